namespace Forwarder.Keepalived.Configuration;

/// <summary>One line of words as keepalived reads it; a brace outside quotes is a line of its own (<see cref="IsBrace"/>).</summary>
public sealed record ConfigLine(IReadOnlyList<string> Words, ConfigPosition Position)
{
    public bool IsBrace { get; init; }

    public bool Opens => IsBrace && Words[0] == "{";

    public bool Closes => IsBrace && Words[0] == "}";
}
