using Mix2Api.Streams.Protocol;
using Mix2Api.Actors.Sessions;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Actors;

public sealed class SessionKeyTests
{
    private static readonly SessionContext Base = Chat.Context(Chat.Conversation(2), auth: "e3b0c44298fc", model: "mix/qwen-3-235b-instruct", client: "opencode");

    [Theory]
    [InlineData("model", "mix_qwen-3-235b-instruct")]
    [InlineData("auth", "e3b0c44298fc::mix_qwen-3-235b-instruct")]
    [InlineData("auth_model", "e3b0c44298fc::mix_qwen-3-235b-instruct")]
    [InlineData("auth_model_client", "e3b0c44298fc::mix_qwen-3-235b-instruct::opencode")]
    public void Resolve_ByMode_BuildsTheNodeAdapterKeys(string mode, string expected)
        => Assert.Equal(expected, SessionKey.Resolve(Base, mode).Value);

    [Fact]
    public void Resolve_ConversationMode_AddsTheOpeningFingerprint()
    {
        var key = SessionKey.Resolve(Base, "conversation").Value;
        Assert.Equal($"e3b0c44298fc::mix_qwen-3-235b-instruct::opencode::conv:{SessionKey.OpeningFingerprint(Base.Messages)}", key);
        Assert.Equal(key, SessionKey.Resolve(Base with { Messages = Chat.Conversation(5) }, "conversation").Value);
        Assert.NotEqual(key, SessionKey.Resolve(Base with { Messages = Chat.Conversation(2, "other") }, "conversation").Value);
    }

    [Fact]
    public void The_opening_fingerprint_is_the_one_stored_keys_were_made_with()
    {
        // SHA-256 of "sys\u001fhello", first 12 hex chars: the keys sessions already have in Redis must resolve alike.
        List<ChatMessage> messages = [Chat.System("sys"), Chat.User("hello"), Chat.Assistant("hi"), Chat.User("more")];
        Assert.Equal("380d52ee6a34", SessionKey.OpeningFingerprint(messages));
    }

    [Fact]
    public void Resolve_ExplicitKeyHeader_WinsOverTheMode()
        => Assert.Equal("my_key::mix_qwen-3-235b-instruct", SessionKey.Resolve(Base with { ExplicitKey = " My Key " }, "conversation").Value);

    [Fact]
    public void Resolve_AffinityHeader_WinsOverTheExplicitKey()
        => Assert.Equal("affinity", SessionKey.Resolve(Base with { ExplicitKey = "k", AffinityKey = "ses_1" }, "model").Source);

    [Theory]
    [InlineData("  MiX/Qwen 3  ", "_d", "mix_qwen_3")]
    [InlineData("   ", "_d", "_d")]
    [InlineData("a.b:c-d_e", "_d", "a.b:c-d_e")]
    [InlineData("中文", "_d", "__")]
    public void Sanitize_FollowsTheDigestRules(string input, string fallback, string expected)
        => Assert.Equal(expected, SessionKey.Sanitize(input, fallback));

    [Fact]
    public void Sanitize_KeepsEightyCharacters()
        => Assert.Equal(80, SessionKey.Sanitize(new string('a', 200), "_").Length);
}
