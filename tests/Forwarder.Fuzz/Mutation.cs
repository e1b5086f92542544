namespace Forwarder.Fuzz;

/// <summary>What a mutation does to a seed's bytes.</summary>
public enum MutationKind
{
    FlipBit,
    SetByte,
    InsertByte,
    DeleteByte,
    Truncate,
    DuplicateRange,
    SetInterestingByte,
}

/// <summary>One edit of a seed: at a position (taken modulo the length), with a value.</summary>
public sealed record Mutation(MutationKind Kind, int Position, byte Value)
{
    /// <summary>Values that find edge cases in lengths, offsets and flags more often than random bytes.</summary>
    private static readonly byte[] Interesting = [0x00, 0x01, 0x05, 0x0F, 0x10, 0x40, 0x7F, 0x80, 0xFE, 0xFF];

    public static byte[] ApplyAll(byte[] seed, IEnumerable<Mutation> mutations)
    {
        var bytes = new List<byte>(seed);
        foreach (var mutation in mutations)
        {
            mutation.Apply(bytes);
        }
        return [.. bytes];
    }

    private void Apply(List<byte> bytes)
    {
        if (bytes.Count == 0)
        {
            bytes.Add(Value);
            return;
        }
        var at = (int)((uint)Position % (uint)bytes.Count);
        switch (Kind)
        {
            case MutationKind.FlipBit:
                bytes[at] ^= (byte)(1 << (Value & 7));
                break;
            case MutationKind.SetByte:
                bytes[at] = Value;
                break;
            case MutationKind.InsertByte:
                bytes.Insert(at, Value);
                break;
            case MutationKind.DeleteByte:
                bytes.RemoveAt(at);
                break;
            case MutationKind.Truncate:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case MutationKind.DuplicateRange:
                var length = Math.Min(Value + 1, bytes.Count - at);
                bytes.InsertRange(at, bytes.GetRange(at, length));
                break;
            case MutationKind.SetInterestingByte:
                bytes[at] = Interesting[Value % Interesting.Length];
                break;
        }
    }
}
