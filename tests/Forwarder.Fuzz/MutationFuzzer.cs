using System.Diagnostics;
using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace Forwarder.Fuzz;

/// <summary>
/// Mutation fuzzing with FsCheck: an input is a seed from a target's corpus with a list of mutations; the
/// target must accept or refuse it the documented way, never throw anything else. Runs in rounds until its
/// time budget (FORWARDER_FUZZ_SECONDS per target, 20 by default; set it higher to fuzz longer) is spent.
/// A failing input is written to Regressions/TARGET/ of the source tree when it is at hand (and, in hex, to
/// the test's output), and the test fails: once committed, the file replays in every run.
/// </summary>
public static class MutationFuzzer
{
    private const int RoundSize = 500;

    public static TimeSpan Budget { get; } = TimeSpan.FromSeconds(
        Environment.GetEnvironmentVariable("FORWARDER_FUZZ_SECONDS") is { Length: > 0 } text
            ? double.Parse(text, CultureInfo.InvariantCulture)
            : 20);

    /// <summary>Fuzzes <paramref name="target"/> from <paramref name="seeds"/>; returns how many inputs were tried.</summary>
    public static int Run(string name, IReadOnlyList<byte[]> seeds, Action<byte[]> target)
    {
        Assert.That(seeds, Is.Not.Empty, $"{name}: no seeds");
        var mutation = Gen.Choose(0, 6).SelectMany(kind => Gen.Choose(0, int.MaxValue),
                (kind, position) => (kind, position))
            .SelectMany(_ => Gen.Choose(0, 255), (p, value) => new Mutation((MutationKind)p.kind, p.position, (byte)value));
        var input = Gen.Choose(0, seeds.Count - 1)
            .SelectMany(_ => Gen.ListOf(mutation), (seed, mutations) => (Seed: seed, Mutations: mutations.Take(12).ToArray()));
        var property = Prop.ForAll(input.ToArbitrary(), candidate =>
        {
            var bytes = Mutation.ApplyAll(seeds[candidate.Seed], candidate.Mutations);
            try
            {
                target(bytes);
            }
            catch (Exception failure)
            {
                Keep(name, bytes, failure);
                throw;
            }
        });

        var clock = Stopwatch.StartNew();
        var tried = 0;
        // Each round draws a fresh random seed, so rounds explore different inputs.
        var config = Config.QuickThrowOnFailure.WithMaxTest(RoundSize).WithQuietOnSuccess(true);
        while (clock.Elapsed < Budget)
        {
            property.Check(config);
            tried += RoundSize;
        }
        TestContext.Out.WriteLine($"{name}: {tried} inputs in {clock.Elapsed.TotalSeconds:F1} s");
        return tried;
    }

    /// <summary>Every kept input of a target: each must be handled the documented way.</summary>
    public static IEnumerable<byte[]> Regressions(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Regressions", name);
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllBytes) : [];
    }

    private static void Keep(string name, byte[] bytes, Exception failure)
    {
        var file = $"{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))[..16].ToLowerInvariant()}.bin";
        var source = SourceRegressions(name);
        if (source is not null)
        {
            Directory.CreateDirectory(source);
            File.WriteAllBytes(Path.Combine(source, file), bytes);
        }
        var hex = Convert.ToHexString(bytes);
        TestContext.Out.WriteLine($"{name}: {failure.GetType().Name}: {failure.Message} on {bytes.Length} bytes (kept as {file}): {(hex.Length > 512 ? hex[..512] + "..." : hex)}");
    }

    /// <summary>The source tree's Regressions/NAME, found upward from the test's folder, or null when there is none.</summary>
    private static string? SourceRegressions(string name)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var project = Path.Combine(folder.FullName, "tests", "Forwarder.Fuzz");
            if (Directory.Exists(project))
            {
                return Path.Combine(project, "Regressions", name);
            }
        }
        return null;
    }
}
