using System.Net;
using System.Net.Sockets;

namespace Mix2Api.Host.Upstream;

/// <summary>
/// Addresses a dynamic upstream base must not reach unless <c>UPSTREAM_BASE_ALLOW_PRIVATE</c> is on: loopback,
/// RFC 1918, carrier-grade NAT, link-local (the 169.254.169.254 metadata service included), unique-local,
/// unspecified, multicast and reserved ranges; IPv4 inside IPv6 (mapped, NAT64, 6to4) is judged as IPv4.
/// </summary>
public static class PrivateAddress
{
    public static bool Is(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6) return IsV4(address.MapToIPv4());
            if (IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6None.Equals(address)) return true;
            if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal) return true;
            Span<byte> b = stackalloc byte[16];
            address.TryWriteBytes(b, out _);
            // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that decides.
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].IndexOfAnyExcept((byte)0) < 0)
                return IsV4(new IPAddress(b[12..16]));
            if (b[0] == 0x20 && b[1] == 0x02) return IsV4(new IPAddress(b[2..6]));
            // IPv4-compatible ::a.b.c.d (deprecated) and the rest of ::/8.
            return b[0] == 0;
        }
        return IsV4(address);
    }

    private static bool IsV4(IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        return b[0] switch
        {
            0 or 10 or 127 => true,
            100 => b[1] is >= 64 and <= 127,                  // 100.64/10 carrier-grade NAT
            169 => b[1] == 254,                               // link-local, cloud metadata
            172 => b[1] is >= 16 and <= 31,
            192 => (b[1] == 168) || (b[1] == 0 && b[2] is 0 or 2) || (b[1] == 88 && b[2] == 99),
            198 => b[1] is 18 or 19 || (b[1] == 51 && b[2] == 100),
            203 => b[1] == 0 && b[2] == 113,
            >= 224 => true,                                   // multicast, reserved, broadcast
            _ => false,
        };
    }
}
