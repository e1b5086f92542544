using System.Diagnostics;

namespace Forwarder.Replay.Tests;

/// <summary>Runs the real tcpdump on a capture, as an operator would read the director's output.</summary>
public static class Tcpdump
{
    /// <summary>
    /// <c>TZ=UTC tcpdump -nn -r FILE FILTER</c>'s lines. tcpdump 4.99's HTTP decoder appends
    /// <c>: HTTP: ...</c> to payload lines where older versions printed nothing: that suffix is cut.
    /// </summary>
    public static IReadOnlyList<string> Read(string capture, string filter, params string[] extraOptions)
    {
        var start = new ProcessStartInfo("tcpdump") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var option in new[] { "-nn" }.Concat(extraOptions).Concat(["-r", capture]))
        {
            start.ArgumentList.Add(option);
        }
        if (filter.Length > 0)
        {
            start.ArgumentList.Add(filter);
        }
        start.Environment["TZ"] = "UTC";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("tcpdump did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            var http = line.IndexOf(": HTTP: ", StringComparison.Ordinal);
            lines.Add(http >= 0 ? line[..http] : line);
        }
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            throw new TimeoutException("tcpdump did not finish");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tcpdump failed ({process.ExitCode}): {stderr.Result}");
        }
        return lines;
    }
}
