namespace Mix2Api.Streams.Supervision;

/// <summary>The node's shutdown drain period ended: the request's kill switch fires with this.</summary>
public sealed class NodeShuttingDownException() : Exception("the node is shutting down");
