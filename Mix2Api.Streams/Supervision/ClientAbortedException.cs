namespace Mix2Api.Streams.Supervision;

/// <summary>The client went away (its request was aborted): the request's kill switch fires with this.</summary>
public sealed class ClientAbortedException() : Exception("the client aborted the request");
