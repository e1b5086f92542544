namespace Forwarder.Ipvsadm.Execution;

/// <summary>
/// Splits what <c>ipvsadm -R</c> reads into command lines as its <c>config_stream_read</c> does: words separated
/// by spaces, tabs and carriage returns, one command per line, the word "ipvsadm" dropped wherever it stands,
/// lines without words skipped. Unlike ipvsadm, a line starting with '#' is a comment (as in our rules files).
/// </summary>
internal static class RestoreInput
{
    private static readonly char[] Separators = [' ', '\t', '\r'];

    public static IReadOnlyList<(int LineNumber, string[] Words)> Lines(string text)
    {
        var lines = new List<(int, string[])>();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            var words = line.Split(Separators, StringSplitOptions.RemoveEmptyEntries)
                .Where(word => word != "ipvsadm")
                .ToArray();
            if (words.Length == 0 || words[0].StartsWith('#'))
            {
                continue;
            }
            lines.Add((lineNumber, words));
        }
        return lines;
    }
}
