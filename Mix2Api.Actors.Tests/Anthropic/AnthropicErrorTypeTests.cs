using Mix2Api.Streams.Anthropic;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Tests.Anthropic;

/// <summary>Every verdict of the one classifier gets the Anthropic error type a client expects for it.</summary>
public class AnthropicErrorTypeTests
{
    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "not_found_error")]
    [InlineData(405, "invalid_request_error")]
    [InlineData(413, "request_too_large")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(502, "api_error")]
    [InlineData(503, "overloaded_error")]
    [InlineData(504, "api_error")]
    public void Http_statuses_map_to_anthropic_types(int status, string type)
        => Assert.Equal(type, AnthropicErrorType.Of(status, new ErrorBody("m", "api_error", "upstream_error")));

    [Theory]
    [InlineData(StreamExit.UpstreamRateLimited, "rate_limit_error")]
    [InlineData(StreamExit.Overloaded, "overloaded_error")]
    [InlineData(StreamExit.ShuttingDown, "overloaded_error")]
    [InlineData(StreamExit.UpstreamIdleTimedOut, "api_error")]
    [InlineData(StreamExit.UpstreamErrorFrame, "api_error")]
    [InlineData(StreamExit.UpstreamAuthRejected, "api_error")]
    [InlineData(StreamExit.AdapterFault, "api_error")]
    public void Classifier_verdicts_keep_their_meaning_as_http_errors_and_as_stream_error_events(StreamExit exit, string type)
    {
        var verdict = EndReasonClassifier.Classify(exit);
        Assert.Equal(type, AnthropicErrorType.Of(verdict.HttpStatus, verdict.Error));
        Assert.Equal(type, AnthropicErrorType.Of(0, verdict.Error));
    }
}
