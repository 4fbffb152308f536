namespace Mix2Api.Host.Simulator;

/// <summary>The shapes in which an upstream 200 JSON reply can carry an error (SPEC §1.2, digest §3.3).</summary>
public enum JsonErrorShape
{
    /// <summary><c>{"error":"text"}</c> (the Node adapter showed it as content: a leak).</summary>
    Text,

    /// <summary><c>{"error":{"message":"text"}}</c>.</summary>
    Object,

    /// <summary><c>{"parts":[{"type":"error","error_text":"text"}]}</c>.</summary>
    Parts,

    /// <summary><c>{"errorText":"text"}</c> (AI SDK style).</summary>
    ErrorText,
}
