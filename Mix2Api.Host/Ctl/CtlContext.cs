using System.CommandLine;
using System.Text.Json;
using Mix2Api.Host.Admin;
using Spectre.Console;

namespace Mix2Api.Host.Ctl;

/// <summary>One `ctl` invocation: its nodes (one <see cref="AdminClient"/> each), its output mode and console.</summary>
public sealed class CtlContext : IDisposable
{
    private readonly ParseResult _parse;
    private readonly IReadOnlyList<Argument> _arguments;
    private readonly List<AdminClient> _clients = [];
    private readonly string? _token;
    private readonly TimeSpan _timeout;

    public CtlContext(ParseResult parse, CtlOptions options, TextWriter output, IReadOnlyList<Argument> arguments)
    {
        _parse = parse;
        _arguments = arguments;
        Output = output;
        Json = parse.GetValue(options.Json);
        _token = parse.GetValue(options.Token) is { Length: > 0 } t ? t : Environment.GetEnvironmentVariable("ADMIN_TOKEN");
        var seconds = parse.GetValue(options.TimeoutSeconds);
        _timeout = TimeSpan.FromSeconds(seconds > 0 ? seconds : 10);
        var nodes = parse.GetValue(options.Node) is { Length: > 0 } n ? n : [CtlApp.DefaultNode];
        foreach (var node in nodes.Distinct(StringComparer.OrdinalIgnoreCase)) _clients.Add(new AdminClient(node, _token, _timeout));
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        Console.Profile.Width = 180;
    }

    public TextWriter Output { get; }
    public bool Json { get; }
    public IAnsiConsole Console { get; }
    public CancellationToken Cancellation => CancellationToken.None;

    /// <summary>The first node named (commands about one node's or the cluster's state ask it).</summary>
    public AdminClient First => _clients[0];

    /// <summary>Every node named with --node.</summary>
    public IReadOnlyList<AdminClient> Nodes => _clients;

    public string Arg(int index) => _parse.GetValue((Argument<string>)_arguments[index]) ?? "";

    /// <summary>
    /// Every node to ask for cluster-wide figures: the --node list, plus (when only one was named) the peers whose
    /// admin URL that node's `cluster show` reports.
    /// </summary>
    public async Task<IReadOnlyList<AdminClient>> ClusterNodesAsync()
    {
        if (_clients.Count > 1) return _clients;
        var members = await First.GetAsync<ClusterView>("admin/cluster", Cancellation);
        var known = new HashSet<string>(_clients.Select(c => c.Node), StringComparer.OrdinalIgnoreCase);
        var self = await First.GetAsync<NodeInfo>("admin/node", Cancellation);
        if (self.AdminUrl is { } own) known.Add(own.TrimEnd('/'));
        foreach (var member in members.Members)
            if (member.AdminUrl is { } url && known.Add(url.TrimEnd('/'))) _clients.Add(new AdminClient(url, _token, _timeout));
        return _clients;
    }

    public Task WriteJsonAsync<T>(T value)
        => Output.WriteLineAsync(JsonSerializer.Serialize(value, AdminJson.Options));

    public void Dispose()
    {
        foreach (var client in _clients) client.Dispose();
    }
}
