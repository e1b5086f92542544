using System.Buffers.Binary;
using System.Globalization;

namespace Forwarder.Core.Frames;

/// <summary>An Ethernet address held in the low 48 bits of a ulong, so it compares and copies as a number.</summary>
public readonly record struct MacAddress(ulong Value)
{
    public const int Length = 6;

    public static readonly MacAddress Broadcast = new(0xFFFF_FFFF_FFFFUL);
    public static readonly MacAddress Zero = new(0UL);

    public static MacAddress Read(ReadOnlySpan<byte> source) =>
        new(((ulong)BinaryPrimitives.ReadUInt16BigEndian(source) << 32) | BinaryPrimitives.ReadUInt32BigEndian(source[2..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(Value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], (uint)Value);
    }

    public static bool TryParse(string text, out MacAddress address)
    {
        address = Zero;
        var parts = text.Split(':', '-');
        if (parts.Length != Length)
        {
            return false;
        }
        ulong value = 0;
        foreach (var part in parts)
        {
            if (part.Length is < 1 or > 2 || !part.All(char.IsAsciiHexDigit) ||
                !byte.TryParse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var octet))
            {
                return false;
            }
            value = (value << 8) | octet;
        }
        address = new MacAddress(value);
        return true;
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Length];
        Write(bytes);
        return string.Join(':', bytes.ToArray().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }
}
