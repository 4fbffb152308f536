using Mix2Api.Host.Ctl;
using Mix2Api.Host.Gate;
using Mix2Api.Host.Hosting;

// Verbs before the web host is built: `ctl` (operator commands) and `gate` (release gate); anything else runs the node.
return args.FirstOrDefault() switch
{
    "ctl" => await CtlApp.RunAsync(args[1..], Console.Out, Console.Error),
    "gate" => await GateApp.RunAsync(args[1..], Console.Out, Console.Error),
    _ => await RunNodeAsync(args),
};

static async Task<int> RunNodeAsync(string[] args)
{
    // First: a node that starts again with the runtime's environment-only defaults does so before it did anything.
    if (RuntimeSettings.RelaunchWithDefaults() is { } error)
    {
        await Console.Error.WriteLineAsync($"mix2api: start-up error: {error}");
        return 2;
    }
    return await Mix2ApiHost.RunAsync(args);
}
