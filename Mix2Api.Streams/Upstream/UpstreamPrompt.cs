using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Upstream;

/// <summary>
/// The text an upstream request carries: <c>request.query</c> and the <c>messages</c> array exactly as sent
/// (selected and capped). <see cref="RepeatedText"/> is text sent twice (the tool instruction in mode
/// <c>both</c>) that the budget counts once.
/// </summary>
public sealed record UpstreamPrompt(string Query, IReadOnlyList<ChatMessage> Messages, string? RepeatedText = null);
