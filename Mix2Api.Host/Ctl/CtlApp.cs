using System.CommandLine;

namespace Mix2Api.Host.Ctl;

/// <summary>
/// <c>ctl</c>, the operator command (the pbm role): <c>dotnet Mix2Api.Host.dll ctl cluster show</c>. Tables for
/// people, <c>--json</c> for machines; <c>--node</c> (repeatable), <c>--token</c> and <c>--json</c> are accepted
/// before or after the subcommand. Exit 0 on success, 1 with one <c>ctl: …</c> line on failure.
/// </summary>
public static class CtlApp
{
    public const string DefaultNode = "http://127.0.0.1:9110";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var options = new CtlOptions();
        var root = new RootCommand("Mix2Api operator commands against a node's admin endpoint (ADMIN_HOST:ADMIN_PORT).");
        options.AddTo(root);

        Command Leaf(string name, string description, Func<CtlContext, Task> run, params Argument[] arguments)
        {
            var command = new Command(name, description);
            foreach (var argument in arguments) command.Arguments.Add(argument);
            command.SetAction(async (parse, ct) =>
            {
                try
                {
                    using var context = new CtlContext(parse, options, output, arguments);
                    await run(context);
                    return 0;
                }
                catch (CtlException ex)
                {
                    await error.WriteLineAsync("ctl: " + ex.Message);
                    return 1;
                }
            });
            return command;
        }

        var address = new Argument<string>("address") { Description = "member address as `cluster show` lists it" };
        var fingerprint = new Argument<string>("fingerprint") { Description = "session key (or upstream session) fingerprint" };
        var traceId = new Argument<string>("id") { Description = "trace id as `traces list` shows it" };

        var cluster = new Command("cluster", "members, leave, down-unreachable");
        cluster.Subcommands.Add(Leaf("show", "members: address, roles, channel, status, reachable, age, version", CtlCommands.ClusterShowAsync));
        cluster.Subcommands.Add(Leaf("leave", "ask a member to leave the cluster gracefully", CtlCommands.ClusterLeaveAsync, address));
        cluster.Subcommands.Add(Leaf("down-unreachable", "down every member seen as unreachable", CtlCommands.DownUnreachableAsync));
        root.Subcommands.Add(cluster);

        root.Subcommands.Add(Leaf("shards", "session regions, shards and entity counts per node", CtlCommands.ShardsAsync));

        var sessions = new Command("sessions", "live sessions (fingerprints, turn counts, age)");
        sessions.Subcommands.Add(Leaf("list", "every live session", CtlCommands.SessionsListAsync));
        sessions.Subcommands.Add(Leaf("show", "one session by fingerprint", CtlCommands.SessionsShowAsync, fingerprint));
        root.Subcommands.Add(sessions);

        var token = new Command("token", "the upstream token singleton");
        token.Subcommands.Add(Leaf("show", "fingerprint, expiry, singleton node, last refresh", CtlCommands.TokenShowAsync));
        token.Subcommands.Add(Leaf("refresh", "force one refresh (managed mode)", CtlCommands.TokenRefreshAsync));
        root.Subcommands.Add(token);

        root.Subcommands.Add(Leaf("streams", "live streams: request id, client, model, age, chunks, phase", CtlCommands.StreamsAsync));
        root.Subcommands.Add(Leaf("verdict", "rollback verdict per channel × client over VERDICT_WINDOW_MS, every node", CtlCommands.VerdictAsync));
        root.Subcommands.Add(Leaf("slo", "MVP SLO per client over 24 h, every node", CtlCommands.SloAsync));

        var traces = new Command("traces", "sampled request traces (TRACE_SAMPLING_RATE)");
        traces.Subcommands.Add(Leaf("list", "newest traces first", CtlCommands.TracesListAsync));
        traces.Subcommands.Add(Leaf("show", "one trace", CtlCommands.TracesShowAsync, traceId));
        root.Subcommands.Add(traces);

        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }
}
