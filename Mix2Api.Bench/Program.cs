using Mix2Api.Bench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    await Console.Error.WriteLineAsync($"bench: {e.Message}");
    return 2;
}
return await BenchRunner.RunAsync(options, Console.Out);
