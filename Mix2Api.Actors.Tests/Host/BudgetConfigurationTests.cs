using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Mix2Api.Host.Hosting;

namespace Mix2Api.Tests.Host;

public class BudgetConfigurationTests
{
    private static async Task<string[]> BuildErrors(Dictionary<string, string?> config)
    {
        config["UPSTREAM_API_BASE"] = "http://127.0.0.1:9";
        config["UPSTREAM_AUTH_MODE"] = "none";
        config["INBOUND_AUTH_MODE"] = "none";
        var errors = new StringWriter();
        var app = await Mix2ApiHost.BuildAsync([], b => b.Configuration.AddInMemoryCollection(config), errors);
        Assert.Null(app);
        return errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Invalid_model_profiles_stop_startup_with_one_line_each()
    {
        var lines = await BuildErrors(new()
        {
            ["MODEL_PROFILE_JSON"] = """{"ok":{"context_window":4096},"bad":7,"zero":{"max_new_tokens":0}}""",
            ["MODEL_PROFILE_DEFAULT_CONTEXT_WINDOW"] = "0",
            ["BUDGET_TRIM_MESSAGE_MAX_CHARS"] = "10",
        });

        Assert.All(lines, l => Assert.StartsWith("mix2api: configuration error: ", l));
        Assert.Contains(lines, l => l.Contains("MODEL_PROFILE_JSON (Mix2Api:Models:ProfileJson): model 'bad': the entry must be an object"));
        Assert.Contains(lines, l => l.Contains("MODEL_PROFILE_JSON") && l.Contains("model 'zero': max_new_tokens must be a positive whole number, not 0"));
        Assert.Contains(lines, l => l.Contains("MODEL_PROFILE_DEFAULT_CONTEXT_WINDOW") && l.Contains("outside 1.."));
        Assert.Contains(lines, l => l.Contains("BUDGET_TRIM_MESSAGE_MAX_CHARS") && l.Contains("outside 64.."));
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public async Task Unparsable_model_profiles_are_one_clear_line()
    {
        var lines = await BuildErrors(new() { ["MODEL_PROFILE_JSON"] = "{\"m\": {" });
        Assert.StartsWith("mix2api: configuration error: MODEL_PROFILE_JSON (Mix2Api:Models:ProfileJson): is not valid JSON", Assert.Single(lines));
    }

    [Fact]
    public void Valid_profiles_load_with_model_list_defaults()
    {
        var config = new ConfigurationManager();
        config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MODEL_PROFILE_JSON"] = """{"mix/small":{"contextWindow":8192,"maxNewTokens":"512"}}""",
            ["MODEL_PROFILE_DEFAULT_CONTEXT_WINDOW"] = "100000",
            ["MODEL_LIST"] = "mix/listed",
        });
        var (settings, errors) = Mix2ApiSettings.Load(config, isDevelopment: true);
        Assert.Empty(errors);
        Assert.Equal((8192, 512, 7680), (settings.Profiles.Lookup("small").ContextWindow, settings.Profiles.Lookup("small").MaxNewTokens,
            settings.Profiles.Lookup("small").MaxInputTokens));
        Assert.Equal(("mix/listed", 100000), (settings.Profiles.Lookup("listed").Id, settings.Profiles.Lookup("listed").ContextWindow));
    }
}
