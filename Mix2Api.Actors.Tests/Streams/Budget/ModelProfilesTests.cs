using Mix2Api.Streams.Budget;

namespace Mix2Api.Tests.Streams.Budget;

public class ModelProfilesTests
{
    private static readonly ModelProfileDefaults Defaults = new();

    private static (ModelProfiles Profiles, List<string> Errors, List<string> Notices) Load(string json, params string[] modelList)
    {
        var errors = new List<string>();
        var notices = new List<string>();
        var configured = ModelProfileJson.Parse(json, Defaults, errors, notices);
        return (new ModelProfiles(Defaults, modelList, configured), errors, notices);
    }

    [Fact]
    public void Entries_read_snake_case_camel_case_and_numeric_strings()
    {
        var (profiles, errors, _) = Load("""
            {"mix/small":{"context_window":8192,"max_input_tokens":4096,"max_new_tokens":1024},
             "big":{"contextWindow":"32000","maxInputTokens":20000,"maxNewTokens":"2000"}}
            """);
        Assert.Empty(errors);
        Assert.Equal(new ModelProfile("mix/small", 8192, 4096, 1024, true), profiles.Lookup("mix/small"));
        Assert.Equal(new ModelProfile("big", 32000, 20000, 2000, true), profiles.Lookup("big"));
    }

    [Theory]
    [InlineData("mix/small", "mix/small")]
    [InlineData("small", "mix/small")]          // slug
    [InlineData("vendor/small", "mix/small")]   // slug of the request
    [InlineData("mix/big", "big")]              // mix/<slug>
    [InlineData("x/y/big", "big")]
    public void Lookup_tries_the_id_its_slug_then_mix_slug(string model, string profileId)
    {
        var (profiles, _, _) = Load("""{"mix/small":{"context_window":8192},"big":{"context_window":64000}}""");
        Assert.Equal(profileId, profiles.Lookup(model).Id);
    }

    [Fact]
    public void An_exact_key_wins_over_another_keys_alias()
    {
        var (profiles, _, _) = Load("""{"a":{"context_window":1000},"x/a":{"context_window":2000}}""");
        Assert.Equal(1000, profiles.Lookup("a").ContextWindow);
        Assert.Equal(2000, profiles.Lookup("x/a").ContextWindow);
    }

    [Fact]
    public void Model_list_ids_and_unknown_models_get_the_default_profile()
    {
        var (profiles, _, _) = Load("{}", "mix/qwen-3-235b-instruct");
        var listed = profiles.Lookup("qwen-3-235b-instruct");
        Assert.Equal(("mix/qwen-3-235b-instruct", 200000, 160000, 8192, false),
            (listed.Id, listed.ContextWindow, listed.MaxInputTokens, listed.MaxNewTokens, listed.Configured));
        var unknown = profiles.Lookup("gpt-unknown");
        Assert.Null(unknown.Id);
        Assert.Equal((200000, 160000, 8192), (unknown.ContextWindow, unknown.MaxInputTokens, unknown.MaxNewTokens));
    }

    [Fact]
    public void Values_above_the_window_are_clamped_with_a_notice()
    {
        var (profiles, errors, notices) = Load("""{"m":{"context_window":1000,"max_input_tokens":5000,"max_new_tokens":3000}}""");
        Assert.Empty(errors);
        var p = profiles.Lookup("m");
        Assert.Equal((1000, 1000, 1000), (p.ContextWindow, p.MaxInputTokens, p.MaxNewTokens));
        Assert.Contains(notices, n => n.Contains("model.profile.adjusted model=m field=max_input_tokens from=5000 to=1000"));
        Assert.Contains(notices, n => n.Contains("field=max_new_tokens from=3000 to=1000"));
    }

    [Fact]
    public void An_entry_with_only_a_small_window_keeps_room_for_input()
    {
        var (profiles, _, _) = Load("""{"m":{"context_window":8000}}""");
        var p = profiles.Lookup("m");
        Assert.Equal((2000, 6000), (p.MaxNewTokens, p.MaxInputTokens));
        Assert.Equal(6000, p.AvailableInputTokens(OutputBudget.Resolve(null, null, p).Tokens));
    }

    [Fact]
    public void Each_invalid_entry_or_value_is_one_error_and_valid_entries_still_load()
    {
        var (profiles, errors, _) = Load("""
            {"ok":{"context_window":4096},
             "scalar":5,
             "zero":{"context_window":0},
             "words":{"max_new_tokens":"lots"},
             "fraction":{"max_input_tokens":10.5},
             "negative":{"maxNewTokens":-3}}
            """);
        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, e => e.Contains("'scalar'") && e.Contains("must be an object"));
        Assert.Contains(errors, e => e.Contains("'zero'") && e.Contains("context_window must be a positive whole number, not 0"));
        Assert.Contains(errors, e => e.Contains("'words'") && e.Contains("max_new_tokens") && e.Contains("\"lots\""));
        Assert.Contains(errors, e => e.Contains("'fraction'") && e.Contains("10.5"));
        Assert.Contains(errors, e => e.Contains("'negative'") && e.Contains("-3"));
        Assert.Equal("ok", profiles.Lookup("ok").Id);
    }

    [Theory]
    [InlineData("{not json", "is not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object keyed by model id")]
    [InlineData("\"text\"", "must be a JSON object keyed by model id")]
    public void A_config_that_is_not_an_object_is_an_error(string json, string message)
    {
        var (_, errors, _) = Load(json);
        Assert.Contains(message, Assert.Single(errors));
    }

    [Fact]
    public void Unknown_fields_are_noticed_not_fatal()
    {
        var (profiles, errors, notices) = Load("""{"m":{"context_window":4096,"label":"small"}}""");
        Assert.Empty(errors);
        Assert.Contains(notices, n => n.Contains("unknown field 'label'"));
        Assert.Equal(4096, profiles.Lookup("m").ContextWindow);
    }
}
