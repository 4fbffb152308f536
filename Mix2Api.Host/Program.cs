using Mix2Api.Host.Ctl;
using Mix2Api.Host.Gate;
using Mix2Api.Host.Hosting;

// Verbs before the web host is built: `ctl` (operator commands) and `gate` (release gate); anything else runs the node.
return args.FirstOrDefault() switch
{
    "ctl" => await CtlApp.RunAsync(args[1..], Console.Out, Console.Error),
    "gate" => await GateApp.RunAsync(args[1..], Console.Out, Console.Error),
    _ => await Mix2ApiHost.RunAsync(args),
};
