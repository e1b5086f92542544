namespace Forwarder.Ipvsadm.Execution;

/// <summary>
/// Splits what <c>ipvsadm -R</c> reads into command lines as its <c>config_stream_read</c> does: words separated
/// by spaces, tabs and carriage returns, one command per line, the word "ipvsadm" dropped wherever it stands,
/// lines without words skipped. Unlike ipvsadm, a line starting with '#' is a comment (as in our rules files).
/// Lines are cut one at a time as the caller asks for them: a 110,000-line input never exists as 110,000 line
/// strings at once, so its words die young and the collector has nothing of them to copy.
/// </summary>
internal static class RestoreInput
{
    public static IEnumerable<(int LineNumber, string[] Words)> Lines(string text)
    {
        var words = new List<string>();
        var lineNumber = 0;
        var start = 0;
        while (start <= text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }
            lineNumber++;
            WordsOf(text.AsSpan(start, end - start), words);
            start = end + 1;
            if (words.Count == 0 || words[0].StartsWith('#'))
            {
                continue;
            }
            yield return (lineNumber, words.ToArray());
        }
    }

    private static void WordsOf(ReadOnlySpan<char> line, List<string> words)
    {
        words.Clear();
        var i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && IsSeparator(line[i]))
            {
                i++;
            }
            var first = i;
            while (i < line.Length && !IsSeparator(line[i]))
            {
                i++;
            }
            var word = line[first..i];
            if (!word.IsEmpty && !word.SequenceEqual("ipvsadm"))
            {
                words.Add(word.ToString());
            }
        }
    }

    private static bool IsSeparator(char c) => c is ' ' or '\t' or '\r';
}
