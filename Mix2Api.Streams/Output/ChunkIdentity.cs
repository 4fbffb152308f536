namespace Mix2Api.Streams.Output;

/// <summary>The id, creation time and echoed model shared by every chunk of one response.</summary>
public sealed record ChunkIdentity(string Id, long Created, string Model)
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static ChunkIdentity Create(string model, TimeProvider time)
        => new("chatcmpl-" + RandomId(24), time.GetUtcNow().ToUnixTimeSeconds(), model);

    /// <summary>
    /// Ids must be unique, not secret: the fast process PRNG (124 bits for 24 chars) instead of the OS
    /// CSPRNG, which costs a crypto-library call per id on the request path.
    /// </summary>
    public static string RandomId(int length)
        => string.Create(length, 0, static (span, _) => Random.Shared.GetItems(Alphabet.AsSpan(), span));
}
