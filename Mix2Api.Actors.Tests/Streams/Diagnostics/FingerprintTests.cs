using Mix2Api.Streams.Diagnostics;

namespace Mix2Api.Tests.Streams.Diagnostics;

/// <summary>Fingerprints are what logs and session keys show of secrets and conversations: fixed values, whatever the input size.</summary>
public sealed class FingerprintTests
{
    [Theory]
    [InlineData("tok-1", "65dcf16ea3df")]
    [InlineData("", "e3b0c44298fc")]
    [InlineData(null, "e3b0c44298fc")]
    public void A_fingerprint_is_the_first_twelve_hex_chars_of_the_sha256(string? value, string expected)
        => Assert.Equal(expected, Fingerprint.Of(value));

    public static TheoryData<string?, string?> Pairs => new()
    {
        { "sys", "hello" },
        { null, "hello" },
        { "sys", null },
        { null, null },
        { "Système 中文 🙂", "User ✓" },
        { new string('s', 40_000) + "é", "中文" + new string('u', 3_000) },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Two_parts_fingerprint_as_their_joined_text(string? first, string? second)
        => Assert.Equal(Fingerprint.Of(first + "\u001f" + second), Fingerprint.Of(first, '\u001f', second));
}
