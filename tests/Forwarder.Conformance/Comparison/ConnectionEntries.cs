using System.Globalization;

namespace Forwarder.Conformance.Comparison;

/// <summary>
/// ipvsadm -Lnc compared the way the two sides can agree: the heading lines exactly, the entries as a
/// multiset of (protocol, state, source, virtual, destination), since the kernel lists in the order of its
/// per-boot random hash; the expiry column within <see cref="ExpiryToleranceSeconds"/> below ours, since
/// the guest's emulated clock runs on while a step is listed.
/// </summary>
public static class ConnectionEntries
{
    public const int ExpiryToleranceSeconds = 10;

    /// <summary>The differences between two listings, one line each; empty when they agree.</summary>
    public static List<string> Differences(string kernel, string ours)
    {
        var differences = new List<string>();
        var kernelLines = Lines(kernel);
        var ourLines = Lines(ours);
        var heading = Math.Min(2, Math.Min(kernelLines.Count, ourLines.Count));
        for (var i = 0; i < heading; i++)
        {
            if (kernelLines[i] != ourLines[i])
            {
                differences.Add($"heading line {i + 1}: kernel '{kernelLines[i]}', ours '{ourLines[i]}'");
            }
        }
        var kernelEntries = Entries(kernelLines.Skip(2));
        var ourEntries = Entries(ourLines.Skip(2));
        foreach (var (key, expiries) in kernelEntries)
        {
            var matching = ourEntries.GetValueOrDefault(key) ?? [];
            foreach (var expiry in expiries)
            {
                var partner = matching.FindIndex(ours => ours - expiry is >= 0 and <= ExpiryToleranceSeconds);
                if (partner >= 0)
                {
                    matching.RemoveAt(partner);
                    continue;
                }
                differences.Add(matching.Count == 0
                    ? $"only the kernel has: {key} (expires in {expiry} s)"
                    : $"expiry differs for {key}: kernel {expiry} s, ours {string.Join(", ", matching)} s");
                if (matching.Count > 0)
                {
                    matching.RemoveAt(0);
                }
            }
        }
        // What the kernel's entries did not take is ours alone.
        foreach (var (key, expiries) in ourEntries)
        {
            differences.AddRange(expiries.Select(expiry => $"only ours has: {key} (expires in {expiry} s)"));
        }
        return differences;
    }

    private static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    private static Dictionary<string, List<int>> Entries(IEnumerable<string> lines)
    {
        var entries = new Dictionary<string, List<int>>();
        foreach (var line in lines)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 6)
            {
                entries.TryAdd(line, []);
                entries[line].Add(0);
                continue;
            }
            var key = string.Join(' ', words[0], words[2], words[3], words[4], words[5]);
            if (!entries.TryGetValue(key, out var expiries))
            {
                entries[key] = expiries = [];
            }
            expiries.Add(Seconds(words[1]));
        }
        return entries;
    }

    private static int Seconds(string expire)
    {
        var parts = expire.Split(':');
        return parts.Length == 2
            ? int.Parse(parts[0], CultureInfo.InvariantCulture) * 60 + int.Parse(parts[1], CultureInfo.InvariantCulture)
            : -1;
    }
}
