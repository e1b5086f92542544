using System.Security.Cryptography;
using Forwarder.CaptureBuilder.Pcap;
using Forwarder.CaptureBuilder.Scenarios;

namespace Forwarder.CaptureBuilder;

/// <summary>
/// Usage: <c>dotnet run --project tests/Forwarder.CaptureBuilder -- CAPTURES_DIR [SCENARIO...]</c>.
/// Writes CAPTURES_DIR/SCENARIO/IFACE.pcap for the named scenarios, or for all of them.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.Error.WriteLine("usage: Forwarder.CaptureBuilder CAPTURES_DIR [SCENARIO...]");
            Console.Error.WriteLine($"scenarios: {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))}");
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            var root = args[0];
            var scenarios = args.Length > 1 ? args.Skip(1).Select(ScenarioCatalog.Find).ToList() : ScenarioCatalog.All;
            foreach (var scenario in scenarios)
            {
                var folder = Path.Combine(root, scenario.Name);
                Directory.CreateDirectory(folder);
                foreach (var (interfaceName, frames) in scenario.BuildCaptures().OrderBy(c => c.Key, StringComparer.Ordinal))
                {
                    var path = Path.Combine(folder, interfaceName + ".pcap");
                    PcapFileWriter.Write(path, frames);
                    // The digest lets a reader confirm a rebuild is byte-identical at a glance.
                    var digest = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
                    Console.WriteLine($"{path}: {frames.Count} frames, sha256 {digest}");
                }
            }
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or FormatException)
        {
            Console.Error.WriteLine($"Forwarder.CaptureBuilder: {e.Message}");
            return 1;
        }
    }
}
