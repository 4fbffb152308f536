using System.Text;
using System.Text.Json;
using Mix2Api.Actors.Credentials;
using Mix2Api.Actors.Singleton;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Tests.Actors;

/// <summary>The token manager's pure rules: expiry derivation, usability, renew-at, backoff, the replica's ordering.</summary>
public sealed class TokenRulesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(60);

    private static TokenRecord Token(TimeSpan? lifetime, long generation = 1, string value = "secret-token")
        => new(value, generation, lifetime is { } l ? Now + l : null, Now, "akka.tcp://mix2api@127.0.0.1:1");

    [Theory]
    [InlineData("""{"expires_in":60}""", 60_000L)]
    [InlineData("""{"expires_in":"90"}""", 90_000L)]
    [InlineData("""{"expiresAt":1700000600000}""", 600_000L)]
    [InlineData("""{"exp":1700000900}""", 900_000L)]
    public void Expiry_is_derived_from_the_payload(string payload, long expectedMs)
    {
        using var doc = JsonDocument.Parse(payload);
        var at = TokenExpiry.Derive(doc.RootElement, "opaque", "expires_in", Now);
        Assert.Equal(expectedMs, (at!.Value - Now).TotalMilliseconds, 0);
    }

    [Fact]
    public void The_configured_lifetime_field_wins_over_expires_in()
    {
        using var doc = JsonDocument.Parse("""{"ttl":30,"expires_in":600}""");
        Assert.Equal(Now.AddSeconds(30), TokenExpiry.Derive(doc.RootElement, "opaque", "ttl", Now));
    }

    [Fact]
    public void An_expiresAt_in_the_past_is_skipped_and_an_opaque_token_without_fields_has_no_expiry()
    {
        using var past = JsonDocument.Parse("""{"expiresAt":1600000000000}""");
        Assert.Null(TokenExpiry.Derive(past.RootElement, "opaque", "expires_in", Now));
        Assert.Null(TokenExpiry.Derive(past.RootElement, "not.a-jwt.!!", "expires_in", Now));
    }

    [Fact]
    public void Expiry_falls_back_to_the_jwt_exp_claim()
    {
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var jwt = $"{B64("""{"alg":"none"}""")}.{B64("""{"sub":"x","exp":1700000300}""")}.sig";
        using var doc = JsonDocument.Parse("{}");
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_300), TokenExpiry.Derive(doc.RootElement, jwt, "expires_in", DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void A_token_is_usable_only_while_now_plus_the_skew_is_before_its_expiry_or_when_the_expiry_is_unknown()
    {
        var token = Token(TimeSpan.FromMinutes(10));
        Assert.True(token.IsUsable(Now + TimeSpan.FromMinutes(8), Skew));
        Assert.False(token.IsUsable(Now + TimeSpan.FromMinutes(9), Skew));
        Assert.True(Token(null).IsUsable(Now + TimeSpan.FromDays(365), Skew));
    }

    [Fact]
    public void A_token_record_prints_only_its_fingerprint()
    {
        var token = Token(TimeSpan.FromMinutes(10), value: "very-secret-value");
        Assert.DoesNotContain("very-secret-value", token.ToString(), StringComparison.Ordinal);
        Assert.Contains(token.Fingerprint, token.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Renewal_is_due_two_skews_before_expiry()
        => Assert.Equal(Now + TimeSpan.FromMinutes(58), RenewalSchedule.RenewAt(Token(TimeSpan.FromHours(1)), Skew));

    [Fact]
    public void A_short_lived_token_is_renewed_at_half_its_lifetime_not_in_a_loop()
    {
        // 90 s lifetime, 60 s skew: expiry − 2 × skew is before the login itself.
        Assert.Equal(Now + TimeSpan.FromSeconds(45), RenewalSchedule.RenewAt(Token(TimeSpan.FromSeconds(90)), Skew));
        // Already expired on arrival: at least the minimum delay, never a hot loop.
        Assert.Equal(Now + RenewalSchedule.MinimumDelay, RenewalSchedule.RenewAt(Token(TimeSpan.FromSeconds(-30)), Skew));
    }

    [Fact]
    public void A_token_without_expiry_is_never_renewed()
    {
        Assert.Null(RenewalSchedule.RenewAt(Token(null), Skew));
        Assert.Null(RenewalSchedule.DelayFrom(Token(null), Skew, Now));
        Assert.Equal(TimeSpan.Zero, RenewalSchedule.DelayFrom(Token(TimeSpan.FromHours(1)), Skew, Now + TimeSpan.FromHours(2)));
    }

    [Theory]
    [InlineData(1, 1_000)]
    [InlineData(2, 2_000)]
    [InlineData(3, 4_000)]
    [InlineData(5, 16_000)]
    [InlineData(6, 30_000)]
    [InlineData(64, 30_000)]
    public void The_login_backoff_doubles_up_to_its_maximum(int failures, int expectedMs)
        => Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), LoginBackoff.Delay(failures, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)));

    [Fact]
    public void A_backoff_is_active_until_it_runs_out_and_each_failure_extends_it()
    {
        var initial = TimeSpan.FromSeconds(1);
        var max = TimeSpan.FromSeconds(30);
        Assert.False(LoginBackoff.None.IsActive(Now));
        var once = LoginBackoff.None.Failed(Now, initial, max);
        Assert.True(once.IsActive(Now + TimeSpan.FromMilliseconds(999)));
        Assert.False(once.IsActive(Now + initial));
        var twice = once.Failed(Now + initial, initial, max);
        Assert.Equal(Now + initial + TimeSpan.FromSeconds(2), twice.Until);
    }

    [Fact]
    public void The_replica_never_goes_back_to_an_older_generation()
    {
        var replica = new TokenReplica();
        replica.Offer(Token(TimeSpan.FromHours(1), generation: 2, value: "newer"));
        replica.Offer(Token(TimeSpan.FromHours(1), generation: 1, value: "older"));
        Assert.Equal("newer", replica.Current!.Credential.BearerToken);
        replica.Offer(Token(TimeSpan.FromHours(1), generation: 3, value: "newest"));
        Assert.Equal("newest", replica.Current!.Credential.BearerToken);
    }

    [Theory]
    [InlineData(401, null, true)]
    [InlineData(403, null, true)]
    [InlineData(200, "JWT expired at 12:00", true)]
    [InlineData(500, "Authentication Failed", true)]
    [InlineData(500, "internal error", false)]
    [InlineData(429, null, false)]
    public void IsAuthFailure_matches_the_status_or_a_known_phrase(int status, string? text, bool expected)
        => Assert.Equal(expected, UpstreamAuthFailure.IsAuthFailure(status, text));

    [Theory]
    [InlineData("""{"error":{"message":"token expired"}}""", "token expired")]
    [InlineData("""{"error":"Unauthorized"}""", "Unauthorized")]
    [InlineData("""{"errorText":"jwt expired"}""", "jwt expired")]
    [InlineData("""{"parts":[{"type":"error","error_text":"forbidden"}]}""", "forbidden")]
    [InlineData("""{"content":"hello"}""", null)]
    [InlineData("not json", null)]
    public void The_error_text_of_a_json_reply_is_what_the_auth_phrases_are_matched_against(string json, string? expected)
        => Assert.Equal(expected, JsonReplyAdapter.ErrorText(Encoding.UTF8.GetBytes(json)));
}
