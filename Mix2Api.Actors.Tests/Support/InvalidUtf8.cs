using System.Text;

namespace Mix2Api.Tests.Support;

/// <summary>Bytes no JSON string may hold, for both request parsers' "invalid UTF-8 is invalid JSON, not a crash" tests.</summary>
public static class InvalidUtf8
{
    /// <summary>An invalid lead byte, a broken two-byte sequence, an encoded surrogate, a lone surrogate escape.</summary>
    public static TheoryData<byte[]> Insides => new()
    {
        new byte[] { 0xFF, 0xFE },
        new byte[] { 0xC3, 0x28 },
        new byte[] { 0xED, 0xA0, 0x80 },
        new byte[] { (byte)'\\', (byte)'u', (byte)'D', (byte)'8', (byte)'0', (byte)'0' },
    };

    /// <summary><paramref name="template"/> as UTF-8 with its one <c>#</c> replaced by <paramref name="inside"/>.</summary>
    public static byte[] Splice(string template, byte[] inside)
    {
        var at = template.IndexOf('#', StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(template[..at]), .. inside, .. Encoding.UTF8.GetBytes(template[(at + 1)..])];
    }
}
