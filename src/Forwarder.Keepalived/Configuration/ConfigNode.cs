namespace Forwarder.Keepalived.Configuration;

/// <summary>
/// One statement of keepalived's configuration: its keyword, the words after it on the line, and the statements
/// of the <c>{ }</c> block that follows it, if one does (null when none).
/// </summary>
public sealed record ConfigNode(string Keyword, IReadOnlyList<string> Arguments, ConfigPosition Position, IReadOnlyList<ConfigNode>? Children)
{
    public bool HasBlock => Children is not null;

    /// <summary>Where the block's closing brace is: keepalived reports what it finds missing at a block's end there.</summary>
    public ConfigPosition End { get; init; }

    /// <summary>The keyword and its arguments, as the statement's words.</summary>
    public IEnumerable<string> Words => Arguments.Prepend(Keyword);
}
