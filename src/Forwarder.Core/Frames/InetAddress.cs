using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Forwarder.Core.Frames;

/// <summary>
/// An IPv4 or IPv6 address in 16 bytes, as the kernel's <c>union nf_inet_addr</c> with its family: two numbers, so
/// that equality and hashing are two integer operations. An IPv4 address is held as its IPv4-mapped IPv6 form
/// (<c>::ffff:a.b.c.d</c>), which is how the family is told; the stored low half is XORed with the mapping's
/// <c>ffff</c> so that the default value is IPv4 0.0.0.0, as the host-order <c>uint</c> addresses this replaced were.
/// The price: an IPv6 address inside ::ffff:0:0/96 cannot be told from its IPv4 address (parsers refuse it).
/// </summary>
public readonly struct InetAddress : IEquatable<InetAddress>, IComparable<InetAddress>
{
    public const int Ipv6Length = 16;
    private const ulong MappedMarker = 0x0000_FFFF_0000_0000UL;

    private readonly ulong _high;
    private readonly ulong _low;

    private InetAddress(ulong high, ulong storedLow)
    {
        _high = high;
        _low = storedLow;
    }

    public static readonly InetAddress Ipv4Any = default;

    /// <summary>The IPv6 unspecified address, ::.</summary>
    public static readonly InetAddress Ipv6Any = FromIpv6(0, 0);

    public static InetAddress FromIpv4(uint value) => new(0, value);

    /// <summary>An IPv6 address from its two big-endian halves.</summary>
    public static InetAddress FromIpv6(ulong high, ulong low) => new(high, low ^ MappedMarker);

    /// <summary>An IPv6 address from its 16 bytes in network order.</summary>
    public static InetAddress ReadIpv6(ReadOnlySpan<byte> source) =>
        FromIpv6(BinaryPrimitives.ReadUInt64BigEndian(source), BinaryPrimitives.ReadUInt64BigEndian(source[8..]));

    /// <summary>An address as a 128-bit number: the IPv4 address itself, or the IPv6 address (as the sync protocol holds them).</summary>
    public static InetAddress FromUInt128(UInt128 value, bool isIpv6) =>
        isIpv6 ? FromIpv6((ulong)(value >> 64), (ulong)value) : FromIpv4((uint)value);

    public UInt128 ToUInt128() => IsIpv4 ? (UInt128)(uint)_low : new UInt128(_high, Low);

    public static implicit operator InetAddress(Ipv4Address address) => FromIpv4(address.Value);

    /// <summary>A host-order IPv4 address, as the connection layer held addresses before IPv6 (lossless, so implicit).</summary>
    public static implicit operator InetAddress(uint ipv4) => FromIpv4(ipv4);

    public bool IsIpv4 => _high == 0 && (_low >> 32) == 0;

    public bool IsIpv6 => !IsIpv4;

    /// <summary>The IPv4 address (host order); meaningful only when <see cref="IsIpv4"/>.</summary>
    public uint Ipv4Value => (uint)_low;

    public Ipv4Address AsIpv4() => new((uint)_low);

    /// <summary>The first IPv6 half in network order (for IPv4: 0).</summary>
    public ulong High => _high;

    /// <summary>The second IPv6 half in network order (for IPv4: ::ffff:a.b.c.d's).</summary>
    public ulong Low => _low ^ MappedMarker;

    /// <summary>
    /// The 32 bits the kernel's schedulers and hashes take of an address: the IPv4 address itself, or for IPv6 the
    /// XOR of its four 32-bit words (ip_vs_sh/dh/lblc/lblcr/mh all fold so before hashing, in host order).
    /// </summary>
    public uint Fold()
    {
        if (IsIpv4)
        {
            return (uint)_low;
        }
        var low = Low;
        return (uint)(_high >> 32) ^ (uint)_high ^ (uint)(low >> 32) ^ (uint)low;
    }

    /// <summary>A 64-bit mix of the whole address for hash tables (cheap: one multiply).</summary>
    public ulong Mix => (_high * 0x9E3779B97F4A7C15UL) ^ _low;

    /// <summary>Writes the IPv6 address's 16 bytes in network order (an IPv4 address as its mapped form).</summary>
    public void WriteIpv6(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Low);
    }

    /// <summary>The address with all but its first <paramref name="prefixLength"/> bits cleared (of 32 or of 128).</summary>
    public InetAddress Masked(int prefixLength)
    {
        if (IsIpv4)
        {
            return FromIpv4((uint)_low & Ipv4Address.PrefixMask(prefixLength));
        }
        var high = prefixLength >= 64 ? _high : prefixLength <= 0 ? 0 : _high & (ulong.MaxValue << (64 - prefixLength));
        var low = prefixLength >= 128 ? Low : prefixLength <= 64 ? 0 : Low & (ulong.MaxValue << (128 - prefixLength));
        return FromIpv6(high, low);
    }

    public bool IsInPrefix(InetAddress network, int prefixLength) =>
        IsIpv4 == network.IsIpv4 && Masked(prefixLength) == network.Masked(prefixLength);

    /// <summary>Dotted-quad IPv4 (strict, as <see cref="Ipv4Address.TryParse"/>) or IPv6 as inet_pton reads it.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out InetAddress address)
    {
        if (text.Contains(':'))
        {
            return TryParseIpv6(text, out address);
        }
        var parsed = Ipv4Address.TryParse(text, out var ipv4);
        address = ipv4;
        return parsed;
    }

    public static InetAddress Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not an IP address");

    /// <summary>
    /// IPv6 text as glibc's inet_pton(AF_INET6): up to eight groups of one to four hex digits, one "::", an IPv4
    /// dotted quad as the last 32 bits; no zone index. An IPv4-mapped address (::ffff:0:0/96) is refused, since it
    /// would read back as IPv4 (see the type's remarks).
    /// </summary>
    public static bool TryParseIpv6(ReadOnlySpan<char> text, out InetAddress address) =>
        TryParseIpv6(text, out address, out _);

    /// <summary>As <see cref="TryParseIpv6(ReadOnlySpan{char}, out InetAddress)"/>, telling a well-formed IPv4-mapped address from bad text.</summary>
    public static bool TryParseIpv6(ReadOnlySpan<char> text, out InetAddress address, out bool ipv4Mapped)
    {
        address = default;
        ipv4Mapped = false;
        Span<ushort> groups = stackalloc ushort[8];
        var count = 0;
        var gap = -1;
        if (text.StartsWith("::"))
        {
            gap = 0;
            text = text[2..];
            if (text.IsEmpty)
            {
                address = Ipv6Any;
                return true;
            }
        }
        else if (text.StartsWith(":"))
        {
            return false;
        }
        while (true)
        {
            var colon = text.IndexOf(':');
            var part = colon < 0 ? text : text[..colon];
            if (colon < 0 && part.Contains('.'))
            {
                if (count > 6 || !Ipv4Address.TryParse(part, out var tail))
                {
                    return false;
                }
                groups[count++] = (ushort)(tail.Value >> 16);
                groups[count++] = (ushort)tail.Value;
                break;
            }
            if (part.IsEmpty || part.Length > 4 || count == 8 ||
                !ushort.TryParse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var group))
            {
                return false;
            }
            groups[count++] = group;
            if (colon < 0)
            {
                break;
            }
            text = text[(colon + 1)..];
            if (text.StartsWith(":"))
            {
                if (gap >= 0)
                {
                    return false;
                }
                gap = count;
                text = text[1..];
                if (text.IsEmpty)
                {
                    break;
                }
            }
            else if (text.IsEmpty)
            {
                return false;
            }
        }
        if (gap < 0 ? count != 8 : count > 7)
        {
            return false;
        }
        Span<ushort> full = stackalloc ushort[8];
        full.Clear();
        var tailCount = gap < 0 ? 0 : count - gap;
        groups[..(count - tailCount)].CopyTo(full);
        groups.Slice(count - tailCount, tailCount).CopyTo(full[(8 - tailCount)..]);
        ulong high = 0, low = 0;
        for (var i = 0; i < 4; i++)
        {
            high = (high << 16) | full[i];
            low = (low << 16) | full[i + 4];
        }
        if (high == 0 && (low >> 32) == 0xFFFF)
        {
            ipv4Mapped = true;
            return false;
        }
        address = FromIpv6(high, low);
        return true;
    }

    public bool Equals(InetAddress other) => _high == other._high && _low == other._low;

    public override bool Equals(object? obj) => obj is InetAddress other && Equals(other);

    public override int GetHashCode() => (int)(Mix ^ (Mix >> 32));

    public static bool operator ==(InetAddress left, InetAddress right) => left.Equals(right);

    public static bool operator !=(InetAddress left, InetAddress right) => !left.Equals(right);

    /// <summary>IPv4 before IPv6 (as AF_INET before AF_INET6), then by value.</summary>
    public int CompareTo(InetAddress other)
    {
        if (IsIpv4 != other.IsIpv4)
        {
            return IsIpv4 ? -1 : 1;
        }
        var byHigh = _high.CompareTo(other._high);
        return byHigh != 0 ? byHigh : Low.CompareTo(other.Low);
    }

    public static bool operator <(InetAddress left, InetAddress right) => left.CompareTo(right) < 0;

    public static bool operator >(InetAddress left, InetAddress right) => left.CompareTo(right) > 0;

    public static bool operator <=(InetAddress left, InetAddress right) => left.CompareTo(right) <= 0;

    public static bool operator >=(InetAddress left, InetAddress right) => left.CompareTo(right) >= 0;

    /// <summary>ADDRESS:PORT, an IPv6 address in brackets (as ipvsadm writes endpoints): 10.0.0.1:80, [2001:db8::1]:80.</summary>
    public string ToEndpointString(ushort port) =>
        IsIpv4 ? string.Create(CultureInfo.InvariantCulture, $"{this}:{port}") : string.Create(CultureInfo.InvariantCulture, $"[{this}]:{port}");

    /// <summary>Reads what <see cref="ToEndpointString"/> writes (the port decimal, no sign or spaces).</summary>
    public static bool TryParseEndpoint(ReadOnlySpan<char> text, out InetAddress address, out ushort port)
    {
        address = default;
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !ushort.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            return false;
        }
        var host = text[..colon];
        if (host.StartsWith("[") && host.EndsWith("]"))
        {
            return TryParseIpv6(host[1..^1], out address);
        }
        var parsed = Ipv4Address.TryParse(host, out var ipv4);
        address = ipv4;
        return parsed;
    }

    /// <summary>Dotted quad, or IPv6 as glibc's inet_ntop writes it (the longest run of two or more zero groups as "::").</summary>
    public override string ToString()
    {
        if (IsIpv4)
        {
            return AsIpv4().ToString();
        }
        Span<ushort> groups = stackalloc ushort[8];
        var low = Low;
        for (var i = 0; i < 4; i++)
        {
            groups[i] = (ushort)(_high >> (48 - (16 * i)));
            groups[i + 4] = (ushort)(low >> (48 - (16 * i)));
        }
        var (bestStart, bestLength) = LongestZeroRun(groups);
        // inet_ntop writes ::a.b.c.d for an IPv4-compatible address, and ::ffff:a.b.c.d (never made here).
        var embedsIpv4 = bestStart == 0 && (bestLength == 6 || (bestLength == 5 && groups[5] == 0xFFFF));
        var text = new StringBuilder(41);
        for (var i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                text.Append("::");
                i += bestLength - 1;
                continue;
            }
            if (embedsIpv4 && i == 6)
            {
                if (text[^1] != ':')
                {
                    text.Append(':');
                }
                text.Append(CultureInfo.InvariantCulture, $"{groups[6] >> 8}.{groups[6] & 0xFF}.{groups[7] >> 8}.{groups[7] & 0xFF}");
                break;
            }
            if (i > 0 && text[^1] != ':')
            {
                text.Append(':');
            }
            text.Append(groups[i].ToString("x", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    private static (int Start, int Length) LongestZeroRun(ReadOnlySpan<ushort> groups)
    {
        int bestStart = -1, bestLength = 0;
        for (var i = 0; i < groups.Length;)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }
            var start = i;
            while (i < groups.Length && groups[i] == 0)
            {
                i++;
            }
            if (i - start > bestLength)
            {
                (bestStart, bestLength) = (start, i - start);
            }
        }
        return bestLength >= 2 ? (bestStart, bestLength) : (-1, 0);
    }
}
