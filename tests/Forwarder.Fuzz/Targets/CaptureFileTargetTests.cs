using Forwarder.Capture.Files;

namespace Forwarder.Fuzz.Targets;

/// <summary>The pcap reader over mutated capture files: frames, or a CaptureFileException naming the file and frame.</summary>
public sealed class CaptureFileTargetTests
{
    private static readonly string Scratch = Path.Combine(Path.GetTempPath(), $"forwarder-fuzz-{Environment.ProcessId}.pcap");

    private static void Read(byte[] bytes)
    {
        File.WriteAllBytes(Scratch, bytes);
        try
        {
            using var reader = new PcapFrameReader(Scratch);
            while (reader.Next() is not null)
            {
            }
        }
        catch (CaptureFileException)
        {
        }
    }

    [OneTimeTearDown]
    public void RemoveScratch() => File.Delete(Scratch);

    [Test]
    public void MutatedCaptures_AreReadOrRefused() => MutationFuzzer.Run("pcap", Seeds.CaptureFileHeads(), Read);

    [Test]
    public void KeptCaptures_AreReadOrRefused()
    {
        foreach (var bytes in MutationFuzzer.Regressions("pcap"))
        {
            Assert.DoesNotThrow(() => Read(bytes));
        }
    }
}
