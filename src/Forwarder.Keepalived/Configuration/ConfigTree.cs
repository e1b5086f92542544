namespace Forwarder.Keepalived.Configuration;

/// <summary>
/// Nests keepalived's lines into statements and blocks: a statement followed by <c>{</c> (on its line or the next)
/// owns the statements up to the matching <c>}</c>. Unbalanced braces refuse the whole configuration, with
/// keepalived's words for them.
/// </summary>
public static class ConfigTree
{
    public static IReadOnlyList<ConfigNode> Build(IReadOnlyList<ConfigLine> lines)
    {
        var index = 0;
        return Block(lines, ref index, 0, null, out _);
    }

    private static List<ConfigNode> Block(IReadOnlyList<ConfigLine> lines, ref int index, int depth, ConfigPosition? opened, out ConfigPosition end)
    {
        end = default;
        var nodes = new List<ConfigNode>();
        while (index < lines.Count)
        {
            var line = lines[index++];
            if (line.Closes)
            {
                if (depth == 0)
                {
                    throw new ConfigSyntaxException(line.Position, "Extra '}' found");
                }
                end = line.Position;
                return nodes;
            }
            if (line.Opens)
            {
                throw new ConfigSyntaxException(line.Position, "Unexpected '{' - a block must follow a keyword");
            }
            IReadOnlyList<ConfigNode>? children = null;
            var closed = line.Position;
            if (index < lines.Count && lines[index].Opens)
            {
                index++;
                children = Block(lines, ref index, depth + 1, line.Position, out closed);
            }
            nodes.Add(new ConfigNode(line.Words[0], line.Words.Skip(1).ToList(), line.Position, children) { End = closed });
        }
        if (depth > 0)
        {
            // keepalived counts them at the end of the input; the block left open is the useful place to point at.
            throw new ConfigSyntaxException(opened!.Value, $"There are {depth} missing '}}'s or extra '{{'s");
        }
        return nodes;
    }
}
