using System.CommandLine;

namespace Mix2Api.Host.Ctl;

/// <summary>The options every `ctl` command takes, recursive so they go before or after the subcommand.</summary>
public sealed class CtlOptions
{
    public Option<string[]> Node { get; } = new("--node", "-n")
    {
        Description = $"admin endpoint URL (repeatable; default {CtlApp.DefaultNode})",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "admin token (default: the ADMIN_TOKEN environment variable)",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json") { Description = "print JSON instead of tables", Recursive = true };

    public Option<int> TimeoutSeconds { get; } = new("--timeout")
    {
        Description = "seconds to wait for each node (default 10)",
        Recursive = true,
        DefaultValueFactory = _ => 10,
    };

    public void AddTo(Command root)
    {
        root.Options.Add(Node);
        root.Options.Add(Token);
        root.Options.Add(Json);
        root.Options.Add(TimeoutSeconds);
    }
}
