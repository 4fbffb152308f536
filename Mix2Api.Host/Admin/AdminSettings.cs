using System.Net;
using Mix2Api.Host.Hosting;

namespace Mix2Api.Host.Admin;

/// <summary>The admin endpoint (ADMIN_HOST/PORT/TOKEN) and the rollout verdict window.</summary>
public sealed record AdminSettings(IPAddress Host, int Port, string? Token, TimeSpan VerdictWindow)
{
    public bool Enabled => Port > 0;

    public static AdminSettings Read(SettingsReader r)
    {
        var hostText = r.String(SettingKeys.AdminHost);
        IPAddress host;
        if (hostText.Equals("localhost", StringComparison.OrdinalIgnoreCase)) host = IPAddress.Loopback;
        else if (hostText is "*" or "+") host = IPAddress.Any;
        else if (!IPAddress.TryParse(hostText, out host!))
        {
            r.Error(SettingKeys.AdminHost, $"'{hostText}' is not an IP address (or localhost)");
            host = IPAddress.Loopback;
        }
        var port = r.Int(SettingKeys.AdminPort, 0, 65535);
        var token = r.Raw(SettingKeys.AdminToken);
        if (port > 0 && !IPAddress.IsLoopback(host) && token is null)
            r.Error(SettingKeys.AdminToken, $"is required when ADMIN_HOST ({hostText}) is not a loopback address");
        var window = r.Millis(SettingKeys.VerdictWindow, 60_000);
        return new AdminSettings(host, port, token, window);
    }
}
