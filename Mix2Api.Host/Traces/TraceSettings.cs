using System.Globalization;
using Mix2Api.Host.Hosting;

namespace Mix2Api.Host.Traces;

/// <summary>Sampled traces (FR34): how many requests, how long they are kept, how many in memory.</summary>
public sealed record TraceSettings(double SamplingRate, TimeSpan Retention, int MaxEntries)
{
    public bool Enabled => SamplingRate > 0;

    public static TraceSettings Read(SettingsReader r)
    {
        var rate = 0.0;
        if (r.Raw(SettingKeys.TraceSamplingRate) is { } raw
            && (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out rate) || double.IsNaN(rate) || rate < 0 || rate > 1))
        {
            r.Error(SettingKeys.TraceSamplingRate, $"'{raw}' is not a number between 0 and 1");
            rate = 0;
        }
        return new TraceSettings(rate, r.Millis(SettingKeys.TraceRetention, 1), r.Int(SettingKeys.TraceMaxEntries, 1));
    }
}
