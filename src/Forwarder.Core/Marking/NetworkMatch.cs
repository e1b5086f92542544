namespace Forwarder.Core.Marking;

/// <summary>
/// An <c>-s</c>/<c>-d</c> match: a network of either family (an IPv4 address sits in the low 32 bits), its prefix
/// length and whether it is negated (<c>! -s NET</c>). An absent match is <see cref="Any"/>.
/// </summary>
public readonly record struct NetworkMatch(UInt128 Network, int PrefixLength, bool Negated)
{
    public static readonly NetworkMatch Any = new(UInt128.Zero, 0, false);

    public bool IsAny => PrefixLength == 0 && !Negated;
}
