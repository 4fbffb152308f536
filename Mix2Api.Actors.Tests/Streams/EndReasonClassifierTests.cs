using Mix2Api.Streams.Supervision;

namespace Mix2Api.Tests.Streams;

public class EndReasonClassifierTests
{
    private static readonly string[] SpecNames =
    [
        "stop", "tool_calls", "length", "client_abort", "timeout", "upstream_error", "upstream_auth_error",
        "rate_limited", "adapter_error", "invalid_request", "auth_error", "overloaded", "shutdown",
    ];

    [Fact]
    public void Every_exit_has_a_verdict_with_a_wire_name()
    {
        foreach (var exit in Enum.GetValues<StreamExit>())
        {
            var verdict = EndReasonClassifier.Classify(exit, "detail");
            Assert.Contains(verdict.Reason.ToWire(), SpecNames);
            // Failures the client must be told about carry an error; completions carry none.
            if (verdict.HttpStatus == 200) Assert.Null(verdict.Error);
        }
    }

    [Fact]
    public void Wire_names_are_exactly_the_spec_strings_and_unique()
    {
        var names = Enum.GetValues<EndReason>().Select(r => r.ToWire()).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(SpecNames.Order(), names.Order());
    }

    [Fact]
    public void Upstream_trouble_never_becomes_401_or_403()
    {
        foreach (var exit in Enum.GetValues<StreamExit>().Where(e => e != StreamExit.InboundAuthRejected))
            Assert.DoesNotContain(EndReasonClassifier.Classify(exit).HttpStatus, new[] { 401, 403 });

        var auth = EndReasonClassifier.Classify(StreamExit.UpstreamAuthRejected);
        Assert.Equal((EndReason.UpstreamAuthError, 502, "upstream_auth_error"), (auth.Reason, auth.HttpStatus, auth.Error!.Code));
        Assert.Equal(502, EndReasonClassifier.Classify(StreamExit.CredentialUnavailable).HttpStatus);
        Assert.Equal(401, EndReasonClassifier.Classify(StreamExit.InboundAuthRejected).HttpStatus);
    }

    [Theory]
    [InlineData(StreamExit.UpstreamConnectTimedOut, "connect")]
    [InlineData(StreamExit.UpstreamFirstByteTimedOut, "first byte")]
    [InlineData(StreamExit.UpstreamIdleTimedOut, "idle")]
    [InlineData(StreamExit.TotalTimedOut, "total")]
    public void Timeouts_are_504_upstream_timeout(StreamExit exit, string which)
    {
        var v = EndReasonClassifier.Classify(exit);
        Assert.Equal((EndReason.Timeout, 504, "upstream_timeout"), (v.Reason, v.HttpStatus, v.Error!.Code));
        Assert.Contains(which, v.Error.Message);
    }

    [Fact]
    public void Upstream_429_stays_429_rate_limited()
    {
        var v = EndReasonClassifier.Classify(StreamExit.UpstreamRateLimited);
        Assert.Equal((EndReason.RateLimited, 429, "rate_limit_error"), (v.Reason, v.HttpStatus, v.Error!.Type));
    }

    [Theory]
    [InlineData(StreamExit.Completed, EndReason.Stop)]
    [InlineData(StreamExit.CompletedWithToolCalls, EndReason.ToolCalls)]
    [InlineData(StreamExit.CompletedAtLength, EndReason.Length)]
    [InlineData(StreamExit.ClientDisconnected, EndReason.ClientAbort)]
    [InlineData(StreamExit.UpstreamErrorFrame, EndReason.UpstreamError)]
    [InlineData(StreamExit.UpstreamAbortFrame, EndReason.UpstreamError)]
    [InlineData(StreamExit.UpstreamTruncated, EndReason.UpstreamError)]
    [InlineData(StreamExit.UpstreamBodyFailed, EndReason.UpstreamError)]
    [InlineData(StreamExit.UpstreamProtocolError, EndReason.AdapterError)]
    [InlineData(StreamExit.AdapterFault, EndReason.AdapterError)]
    [InlineData(StreamExit.ShuttingDown, EndReason.Shutdown)]
    public void Graph_exits_map_to_their_end_reason(StreamExit exit, EndReason reason)
        => Assert.Equal(reason, EndReasonClassifier.Classify(exit).Reason);

    [Fact]
    public void Upstream_error_detail_reaches_the_message_and_adapter_faults_hide_theirs()
    {
        Assert.Equal("Upstream error: model overloaded", EndReasonClassifier.Classify(StreamExit.UpstreamErrorFrame, "model overloaded").Error!.Message);
        Assert.Equal("Upstream error", EndReasonClassifier.Classify(StreamExit.UpstreamErrorFrame, null).Error!.Message);
        var fault = EndReasonClassifier.Classify(StreamExit.AdapterFault, "NullReferenceException at ...");
        Assert.Equal(500, fault.HttpStatus);
        Assert.DoesNotContain("NullReference", fault.Error!.Message);
    }
}
