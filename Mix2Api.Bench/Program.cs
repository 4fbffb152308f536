using Mix2Api.Bench;

try
{
    return await BenchRunner.RunAsync(BenchOptions.Parse(args), Console.Out);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"bench: {e.Message}");
    return 2;
}
