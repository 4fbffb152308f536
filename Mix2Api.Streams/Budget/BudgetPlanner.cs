using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Upstream;

namespace Mix2Api.Streams.Budget;

/// <summary>
/// Precheck and trimming (SPEC §8, digest §9.4–9.5). The prompt that would be sent is estimated; within the
/// input budget it goes as it is (<c>pass</c>, or <c>clamp</c> when the output was cut). Over it, the oldest
/// messages are dropped, keeping whole recent messages when at least <see cref="BudgetOptions.TrimRecentMessages"/>
/// of them fit, otherwise shortening every kept message to fit more (<c>trim</c>). When even the system
/// message, the question and the last exchange do not fit, the request is rejected before anything goes upstream.
/// </summary>
public static class BudgetPlanner
{
    /// <param name="messages">What may be sent (after <see cref="UpstreamMessages.Unseen"/>).</param>
    /// <param name="compose">Builds the prompt of a message list and an optional summary of dropped messages.</param>
    public static BudgetPlan Plan(IReadOnlyList<ChatMessage> messages, ModelProfile profile, OutputBudget output,
        BudgetOptions options, Func<IReadOnlyList<ChatMessage>, string?, UpstreamPrompt> compose)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(compose);
        var available = profile.AvailableInputTokens(output.Tokens);
        var prompt = compose(messages, null);
        var estimate = InputEstimator.Estimate(prompt);
        if (estimate <= available)
        {
            var action = output.Clamped ? BudgetAction.Clamp : BudgetAction.Pass;
            return new BudgetPlan(new BudgetDecision(profile.Id, action, estimate, estimate, available, output.Tokens, 0), prompt);
        }

        var trimmer = new ContextTrimmer(messages, options, compose);
        var whole = trimmer.Fit(available, shorten: false);
        var fitted = whole is not null && whole.KeptMessages >= Math.Min(options.TrimRecentMessages, trimmer.NonSystemCount)
            ? whole
            : trimmer.Fit(available, shorten: true) ?? whole;
        if (fitted is null)
            return new BudgetPlan(new BudgetDecision(profile.Id, BudgetAction.Reject, estimate, estimate, available, output.Tokens, 0), null);
        return new BudgetPlan(new BudgetDecision(profile.Id, BudgetAction.Trim, fitted.Estimate, estimate, available, output.Tokens,
            fitted.DroppedMessages), fitted.Prompt);
    }
}
