using Microsoft.AspNetCore.Http;
using Mix2Api.Host.Http;

namespace Mix2Api.Tests.Host;

/// <summary>Which agent is calling: the per-client SLO and verdict rows depend on it.</summary>
public sealed class ClientInferenceTests
{
    [Theory]
    [InlineData("claude-cli/2.0.14 (external, cli)", "claude-code")] // Claude Code's real user agent
    [InlineData("claude-cli/1.0.98 (external, sdk-ts)", "claude-code")]
    [InlineData("Claude Code/1.0", "claude-code")]
    [InlineData("opencode/0.15.2 ai-sdk/provider-utils/3.0.9 runtime/bun/1.2.21", "opencode")]
    [InlineData("OpenAI/NET 2.5.0", "unknown")]
    [InlineData("", "unknown")]
    public void User_agents_map_to_clients(string userAgent, string expected)
    {
        var headers = new HeaderDictionary { ["User-Agent"] = userAgent };
        Assert.Equal(expected, ClientInference.From(headers));
    }

    [Fact]
    public void An_explicit_client_header_wins_and_is_sanitised()
    {
        var headers = new HeaderDictionary { ["User-Agent"] = "claude-cli/2.0.14 (external, cli)", ["x-client"] = "My Agent\n" };
        Assert.Equal("my_agent", ClientInference.From(headers));
    }
}
