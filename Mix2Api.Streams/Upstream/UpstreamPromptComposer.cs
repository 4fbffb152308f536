using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Tools;

namespace Mix2Api.Streams.Upstream;

/// <summary>
/// Composes the <see cref="UpstreamPrompt"/> of one turn from a list of working messages, so the budget can
/// compose candidates (trimmed lists, with a summary of what was dropped) and measure exactly what would be sent.
/// <c>carryHistory</c>: the working list's messages before the current question go in the query's history section
/// (a new upstream session, or turns the upstream session never saw: <see cref="QueryComposer.CarriesHistory"/>).
/// </summary>
public sealed class UpstreamPromptComposer(
    bool carryHistory,
    string? instruction,
    bool instructionInQuery,
    bool instructionInSystem,
    int toolResultMaxChars,
    QueryLimits limits)
{
    public UpstreamPrompt Compose(IReadOnlyList<ChatMessage> messages, string? historySummary)
    {
        var toolResults = ToolResultsFormatter.Format(messages, toolResultMaxChars);
        var query = QueryComposer.Compose(messages, carryHistory ? 0 : messages.Count, toolResults, instructionInQuery ? instruction : null, limits, historySummary);
        var upstreamMessages = UpstreamMessages.Select(messages, instructionInSystem ? instruction : null, limits);
        return new UpstreamPrompt(query, upstreamMessages, instructionInQuery && instructionInSystem ? instruction : null);
    }
}
