namespace Forwarder.Keepalived.Configuration;

/// <summary>The lines a configuration's reading reports and goes past, in keepalived's words, each with its file and line.</summary>
internal sealed class ConfigReport
{
    public List<ConfigDiagnostic> Diagnostics { get; } = [];

    public void Add(ConfigPosition position, string message) => Diagnostics.Add(new ConfigDiagnostic(position, message));

    public void Add(ConfigNode node, string message) => Add(node.Position, message);

    /// <summary>As keepalived's process_stream for a keyword it has no handler for.</summary>
    public void Unknown(ConfigNode node) => Add(node, $"Unknown keyword '{node.Keyword}'");

    /// <summary>A keyword keepalived knows that this director does not act on: said once, and the rest loads.</summary>
    public void NotSupported(ConfigNode node, string why = "not supported by this director") =>
        Add(node, $"'{node.Keyword}' is {why} - ignoring");

    /// <summary>As keepalived's read_value_block: a keyword given without the value it needs.</summary>
    public bool NeedsArgument(ConfigNode node)
    {
        if (node.Arguments.Count > 0)
        {
            return true;
        }
        Add(node, $"*** Configuration line starting `{node.Keyword}` is missing a parameter after keyword `{node.Keyword}` at word position 2");
        return false;
    }
}
