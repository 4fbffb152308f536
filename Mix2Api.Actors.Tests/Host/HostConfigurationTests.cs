using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Mix2Api.Host.Hosting;

namespace Mix2Api.Tests.Host;

public class HostConfigurationTests
{
    private static async Task<string> BuildErrors(Dictionary<string, string?> config)
    {
        var errors = new StringWriter();
        var app = await Mix2ApiHost.BuildAsync([], b => b.Configuration.AddInMemoryCollection(config), errors);
        Assert.Null(app);
        return errors.ToString();
    }

    [Fact]
    public async Task Invalid_configuration_stops_startup_with_one_line_per_problem()
    {
        var text = await BuildErrors(new()
        {
            ["UPSTREAM_API_BASE"] = "not a url",
            ["UPSTREAM_TIMEOUT_MS"] = "soon",
            ["INBOUND_AUTH_MODE"] = "bearer",
            ["UPSTREAM_AUTH_MODE"] = "magic",
            ["BODY_SIZE_LIMIT"] = "huge",
            ["PORT"] = "http",
        });
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.StartsWith("mix2api: configuration error: ", l));
        Assert.Contains(lines, l => l.Contains("UPSTREAM_API_BASE") && l.Contains("not an absolute"));
        Assert.Contains(lines, l => l.Contains("UPSTREAM_TIMEOUT_MS") && l.Contains("'soon'"));
        Assert.Contains(lines, l => l.Contains("INBOUND_BEARER_TOKEN"));
        Assert.Contains(lines, l => l.Contains("UPSTREAM_AUTH_MODE") && l.Contains("'magic'"));
        Assert.Contains(lines, l => l.Contains("BODY_SIZE_LIMIT"));
        Assert.Contains(lines, l => l.Contains("PORT") && l.Contains("'http'"));
    }

    [Theory]
    [InlineData("mix2api@127.0.0.1:4053", "expected akka.tcp://mix2api@host:port")]
    [InlineData("akka.tcp://other@127.0.0.1:4053", "the actor system must be mix2api")]
    [InlineData("akka.tcp://mix2api@127.0.0.1", "with a port")]
    [InlineData("akka.udp://mix2api@127.0.0.1:4053", "protocol must be akka.tcp")]
    public async Task A_bad_seed_node_is_one_clear_configuration_error(string seed, string problem)
    {
        var text = await BuildErrors(new()
        {
            ["UPSTREAM_API_BASE"] = "http://127.0.0.1:9",
            ["UPSTREAM_AUTH_MODE"] = "none",
            ["INBOUND_AUTH_MODE"] = "none",
            ["CLUSTER_SEED_NODES"] = $"akka.tcp://mix2api@127.0.0.1:4053, {seed}",
        });
        var line = Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("mix2api: configuration error: Invalid CLUSTER_SEED_NODES entry", line);
        Assert.Contains(problem, line);
    }

    [Theory]
    [InlineData("CLUSTER_PORT", "70000")]
    [InlineData("NODE_CHANNEL", "beta")]
    [InlineData("SESSION_ASK_TIMEOUT_MS", "0")]
    [InlineData("LOG_FORMAT", "xml")]
    public async Task Cluster_and_session_keys_are_validated_at_start_up(string key, string value)
    {
        var text = await BuildErrors(new()
        {
            ["UPSTREAM_API_BASE"] = "http://127.0.0.1:9",
            ["UPSTREAM_AUTH_MODE"] = "none",
            ["INBOUND_AUTH_MODE"] = "none",
            [key] = value,
        });
        Assert.Contains(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("mix2api: configuration error: ", StringComparison.Ordinal) && l.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Production_without_upstream_is_a_startup_error_not_a_simulator()
    {
        var text = await BuildErrors(new() { ["INBOUND_AUTH_MODE"] = "none", ["UPSTREAM_AUTH_MODE"] = "none" });
        Assert.Contains("UPSTREAM_API_BASE", text);
    }

    [Fact]
    public async Task Static_upstream_auth_without_token_is_a_startup_error()
    {
        var text = await BuildErrors(new() { ["UPSTREAM_API_BASE"] = "http://127.0.0.1:9", ["INBOUND_AUTH_MODE"] = "none" });
        Assert.Contains("UPSTREAM_AUTH_MODE=static requires UPSTREAM_BEARER_TOKEN", text);
    }

    [Fact]
    public void Readme_documents_every_configuration_key()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot(), "README.md"));
        foreach (var key in SettingKeys.All)
        {
            Assert.Contains($"`{key.Env}`", readme);
            Assert.Contains($"`{key.Path}`", readme);
        }
    }

    [Theory]
    [InlineData("a,b,\na,c", new[] { "a", "b", "c" })]
    [InlineData("[\"x\",\"y\",\"x\"]", new[] { "x", "y" })]
    [InlineData("  ", new[] { "mix/qwen-3-235b-instruct", "mix/claude-sonnet-4-5" })]
    public void Model_list_is_parsed_like_the_node_adapter(string raw, string[] expected)
        => Assert.Equal(expected, Mix2ApiSettings.ParseModels(string.IsNullOrWhiteSpace(raw) ? null : raw, SettingKeys.ModelList.Default));

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Mix2Api.Actors.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}

public class SettingsPrecedenceTests
{
    [Fact]
    public void A_later_source_wins_whichever_name_it_uses()
    {
        var config = new ConfigurationManager();
        config.AddInMemoryCollection(new Dictionary<string, string?> { ["Mix2Api:Stream:HeartbeatMs"] = "15000" });
        config.AddInMemoryCollection(new Dictionary<string, string?> { ["SSE_HEARTBEAT_MS"] = "50" });
        Assert.Equal(TimeSpan.FromMilliseconds(50), new SettingsReader(config).Millis(SettingKeys.Heartbeat));
    }

    [Fact]
    public void Within_one_source_the_dotnet_name_wins()
    {
        var config = new ConfigurationManager();
        config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SSE_HEARTBEAT_MS"] = "50",
            ["Mix2Api:Stream:HeartbeatMs"] = "70",
        });
        Assert.Equal(TimeSpan.FromMilliseconds(70), new SettingsReader(config).Millis(SettingKeys.Heartbeat));
    }
}
