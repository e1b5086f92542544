using System.Text;
using System.Text.RegularExpressions;

namespace Forwarder.Keepalived.Configuration;

/// <summary>
/// Reads keepalived's configuration files into lines of words, as keepalived's read_line does: <c>#</c> and <c>!</c>
/// start a comment outside double quotes (<c>\#</c> and <c>\!</c> are the characters themselves), a line ending in
/// <c>\</c> continues on the next, a double-quoted string is one word without its quotes, and every <c>{</c> and
/// <c>}</c> outside quotes stands on a line of its own. <c>include PATTERN</c> reads the files the pattern matches
/// (sorted, as glob returns them) in its place; a relative pattern is taken from the including file's directory,
/// as keepalived changes into it.
/// </summary>
public sealed class ConfigLineReader
{
    /// <summary>Far deeper than any real configuration; a file that includes itself stops here.</summary>
    private const int MaximumIncludeDepth = 16;

    private readonly List<ConfigLine> _lines = [];
    private readonly List<ConfigDiagnostic> _diagnostics;

    private ConfigLineReader(List<ConfigDiagnostic> diagnostics)
    {
        _diagnostics = diagnostics;
    }

    /// <summary>The lines of <paramref name="path"/> and what it includes; reports go to <paramref name="diagnostics"/>.</summary>
    public static IReadOnlyList<ConfigLine> Read(string path, List<ConfigDiagnostic> diagnostics)
    {
        var reader = new ConfigLineReader(diagnostics);
        reader.ReadFile(path, new ConfigPosition(path, 0), 0);
        return reader._lines;
    }

    /// <summary>The lines of a configuration given as text, named <paramref name="name"/> in reports (tests, stdin).</summary>
    public static IReadOnlyList<ConfigLine> ReadText(string name, string text, List<ConfigDiagnostic> diagnostics)
    {
        var reader = new ConfigLineReader(diagnostics);
        reader.ReadLines(name, Path.GetDirectoryName(Path.GetFullPath(name)) ?? "/", text, 0);
        return reader._lines;
    }

    private void ReadFile(string path, ConfigPosition includedAt, int depth)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception failed) when (failed is IOException or UnauthorizedAccessException)
        {
            throw new ConfigSyntaxException(includedAt, $"Unable to read configuration file {path}");
        }
        ReadLines(path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/", text, depth);
    }

    private void ReadLines(string file, string directory, string text, int depth)
    {
        var physical = text.Split('\n');
        for (var index = 0; index < physical.Length; index++)
        {
            var position = new ConfigPosition(file, index + 1);
            var line = physical[index].TrimEnd('\r');
            // A trailing backslash joins the next line, before comments are looked for (as keepalived reads them).
            while (line.EndsWith('\\') && index + 1 < physical.Length)
            {
                index++;
                line = line[..^1] + physical[index].TrimEnd('\r');
            }
            var words = Split(line, position);
            if (words.Count == 0)
            {
                continue;
            }
            if (words[0] is { Text: "include", IsBrace: false } && words.Count >= 2)
            {
                Include(string.Join(' ', words.Skip(1).Select(w => w.Text)), directory, position, depth);
                continue;
            }
            AddWithBracesApart(words, position);
        }
    }

    private void Include(string pattern, string directory, ConfigPosition position, int depth)
    {
        if (depth >= MaximumIncludeDepth)
        {
            throw new ConfigSyntaxException(position, $"include nesting deeper than {MaximumIncludeDepth} files at '{pattern}'");
        }
        var matches = Glob(Path.IsPathRooted(pattern) ? pattern : Path.Combine(directory, pattern));
        if (matches.Count == 0)
        {
            _diagnostics.Add(new ConfigDiagnostic(position, $"No config files matched '{pattern}'."));
            return;
        }
        foreach (var match in matches)
        {
            ReadFile(match, position, depth + 1);
        }
    }

    /// <summary>Wildcards (<c>* ? [..]</c>) in the last part of the path, as most includes use them (<c>conf.d/*.conf</c>).</summary>
    private static List<string> Glob(string pattern)
    {
        var directory = Path.GetDirectoryName(pattern) ?? "/";
        var name = Path.GetFileName(pattern);
        if (name.IndexOfAny(['*', '?', '[']) < 0)
        {
            return File.Exists(pattern) ? [pattern] : [];
        }
        if (!Directory.Exists(directory))
        {
            return [];
        }
        var regex = new Regex("^" + Regex.Escape(name).Replace(@"\*", "[^/]*", StringComparison.Ordinal).Replace(@"\?", "[^/]", StringComparison.Ordinal)
            .Replace(@"\[", "[", StringComparison.Ordinal).Replace(@"\]", "]", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);
        return Directory.EnumerateFiles(directory)
            .Where(file => regex.IsMatch(Path.GetFileName(file)) && !Path.GetFileName(file).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The words of one line: quoted strings whole, comments cut, braces as words of their own. A quote left open
    /// is a syntax error (keepalived reports it and reads garbage after it; refusing is safer for a director).
    /// </summary>
    private static List<(string Text, bool IsBrace)> Split(string line, ConfigPosition position)
    {
        var words = new List<(string Text, bool IsBrace)>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
            {
                var end = line.IndexOf('"', i + 1);
                if (end < 0)
                {
                    throw new ConfigSyntaxException(position, $"Unterminated quote '{line.Trim()}'");
                }
                word.Append(line, i + 1, end - i - 1);
                inWord = true;
                i = end;
                continue;
            }
            if (c == '\\' && i + 1 < line.Length && line[i + 1] is '#' or '!')
            {
                word.Append(line[i + 1]);
                inWord = true;
                i++;
                continue;
            }
            if (c is '#' or '!')
            {
                break;
            }
            if (c is ' ' or '\t')
            {
                Flush();
                continue;
            }
            if (c is '{' or '}')
            {
                Flush();
                words.Add((c.ToString(), true));
                continue;
            }
            word.Append(c);
            inWord = true;
        }
        Flush();
        return words;

        void Flush()
        {
            if (inWord)
            {
                words.Add((word.ToString(), false));
                word.Clear();
                inWord = false;
            }
        }
    }

    /// <summary>As keepalived: <c>real_server 10.0.0.1 80 { weight 2 }</c> is read as four lines, "real_server 10.0.0.1 80", "{", "weight 2", "}".</summary>
    private void AddWithBracesApart(List<(string Text, bool IsBrace)> words, ConfigPosition position)
    {
        var current = new List<string>();
        foreach (var (text, isBrace) in words)
        {
            if (isBrace)
            {
                if (current.Count > 0)
                {
                    _lines.Add(new ConfigLine(current, position));
                    current = [];
                }
                _lines.Add(new ConfigLine([text], position) { IsBrace = true });
                continue;
            }
            current.Add(text);
        }
        if (current.Count > 0)
        {
            _lines.Add(new ConfigLine(current, position));
        }
    }
}
