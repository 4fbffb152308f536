using System.Security.Cryptography;

namespace Mix2Api.Streams.Output;

/// <summary>The id, creation time and echoed model shared by every chunk of one response.</summary>
public sealed record ChunkIdentity(string Id, long Created, string Model)
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static ChunkIdentity Create(string model, TimeProvider time)
        => new("chatcmpl-" + RandomId(24), time.GetUtcNow().ToUnixTimeSeconds(), model);

    public static string RandomId(int length) => RandomNumberGenerator.GetString(Alphabet, length);
}
