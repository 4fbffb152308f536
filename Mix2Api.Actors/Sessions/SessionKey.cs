using System.Text;
using Mix2Api.Streams.Diagnostics;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Actors.Sessions;

/// <summary>The store key of a caller's session (the Akka entity id) and how it was chosen.</summary>
public sealed record SessionKey(string Value, string Source)
{
    private string? _fingerprint;

    /// <summary>Computed once: it is logged and reported on every turn of the key.</summary>
    public string Fingerprint => _fingerprint ??= Streams.Diagnostics.Fingerprint.Of(Value);

    /// <summary>SESSION_KEY_MODE values.</summary>
    public static readonly IReadOnlyList<string> Modes = ["model", "auth", "auth_model", "auth_model_client", "conversation"];

    /// <summary>
    /// Affinity header first (it names the conversation), then the explicit key header, then the mode:
    /// <c>model</c>, <c>auth</c>/<c>auth_model</c> (both include the model, as in the Node adapter),
    /// <c>auth_model_client</c>, and the default <c>conversation</c> = auth_model_client + a fingerprint of the
    /// conversation's opening, so two conversations behind one gateway key never share an upstream session.
    /// </summary>
    public static SessionKey Resolve(SessionContext context, string mode)
    {
        var model = Sanitize(context.Model, "_default");
        var auth = Sanitize(context.AuthFingerprint, "_");
        if (!string.IsNullOrWhiteSpace(context.AffinityKey))
            return new($"{auth}::{model}::affinity:{Sanitize(context.AffinityKey, "session")}", "affinity");
        if (!string.IsNullOrWhiteSpace(context.ExplicitKey))
            return new($"{Sanitize(context.ExplicitKey, "session")}::{model}", "header");
        var client = Sanitize(context.Client, "unknown");
        return mode switch
        {
            "model" => new(model, mode),
            "auth" or "auth_model" => new($"{auth}::{model}", mode),
            "auth_model_client" => new($"{auth}::{model}::{client}", mode),
            _ => new($"{auth}::{model}::{client}::conv:{OpeningFingerprint(context.Messages)}", "conversation"),
        };
    }

    /// <summary>Fingerprint of the first system text and the first user message: what makes a conversation itself.</summary>
    public static string OpeningFingerprint(IReadOnlyList<ChatMessage> messages)
    {
        string? system = null, user = null;
        foreach (var message in messages)
        {
            if (system is null && message.Role == ChatRole.System) system = message.Text;
            else if (user is null && message.Role == ChatRole.User) user = message.Text;
            if (system is not null && user is not null) break;
        }
        return Streams.Diagnostics.Fingerprint.Of(system, '\u001f', user);
    }

    /// <summary>Digest §5.1: trim, lower-case, anything outside <c>[a-z0-9._:-]</c> becomes <c>_</c>, first 80 chars.</summary>
    public static string Sanitize(string? value, string fallback)
    {
        var text = (value ?? "").Trim();
        if (text.Length == 0) return fallback;
        var length = Math.Min(text.Length, 80);
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            var c = char.ToLowerInvariant(text[i]);
            builder.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '_' or ':' or '-' ? c : '_');
        }
        return builder.ToString();
    }
}
