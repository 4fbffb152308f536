using Mix2Api.Soak;

SoakOptions options;
try
{
    options = SoakOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    await Console.Error.WriteLineAsync($"soak: {e.Message}");
    return 2;
}
var result = options.Cluster ? await ClusterSoakRunner.RunAsync(options, Console.Out) : await SoakRunner.RunAsync(options, Console.Out);
return result.Failed == 0 ? 0 : 1;
