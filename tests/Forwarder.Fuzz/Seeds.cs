using System.Text;
using Forwarder.Capture.Files;

namespace Forwarder.Fuzz;

/// <summary>
/// Where every target's seeds come from: the golden scenarios' own captures, rules and topologies (copied
/// beside the tests from captures/), and the targets' corpus folders (Corpus/TARGET), all in the repository.
/// </summary>
public static class Seeds
{
    private static string Captures => Path.Combine(AppContext.BaseDirectory, "captures");

    public static IReadOnlyList<byte[]> Corpus(string target)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Corpus", target);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList()
            : [];
    }

    /// <summary>Files named <paramref name="name"/> in every scenario, then the target's corpus.</summary>
    public static IReadOnlyList<byte[]> ScenarioFiles(string name, string target) =>
        Directory.EnumerateFiles(Captures, name, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes).Concat(Corpus(target)).ToList();

    /// <summary>Every frame of every input capture (distinct), then the target's corpus.</summary>
    public static IReadOnlyList<byte[]> Frames()
    {
        var frames = new List<byte[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(Captures, "eth*.pcap", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var reader = new PcapFrameReader(path);
            while (reader.Next() is { } frame)
            {
                if (seen.Add(Convert.ToHexString(frame.Data)))
                {
                    frames.Add(frame.Data);
                }
            }
        }
        return frames.Concat(Corpus("frames")).ToList();
    }

    /// <summary>The head of every capture file: its header and first frames, small enough to mutate quickly.</summary>
    public static IReadOnlyList<byte[]> CaptureFileHeads() =>
        Directory.EnumerateFiles(Captures, "*.pcap", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(path => File.ReadAllBytes(path).Take(2048).ToArray()).Concat(Corpus("pcap")).ToList();

    public static string Text(byte[] bytes) => Encoding.Latin1.GetString(bytes);
}
