using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Fuzz.Targets;

/// <summary>
/// The control socket's framing, as the director reads a request: a request, a ControlProtocolException (a
/// malformed one) or a ControlRequestRefusedException (one over the limits, answered with them).
/// </summary>
public sealed class ControlFramingTargetTests
{
    private static IReadOnlyList<byte[]> Requests()
    {
        var seeds = new List<byte[]>();
        foreach (var (arguments, input) in new (string[], string)[]
                 {
                     (["-Ln"], ""), (["-A", "-t", "192.168.1.199:80", "-s", "rr"], ""), (["-R"], "-A -t 1.2.3.4:80 -s rr\n"), ([], ""),
                 })
        {
            using var stream = new MemoryStream();
            ControlFraming.WriteRequestAsync(stream, new IpvsadmInvocation(arguments, input), CancellationToken.None).GetAwaiter().GetResult();
            seeds.Add(stream.ToArray());
        }
        return [.. seeds, .. Seeds.Corpus("control")];
    }

    private static void Read(byte[] bytes)
    {
        try
        {
            ControlFraming.ReadRequestAsync(new MemoryStream(bytes), CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (ControlProtocolException)
        {
        }
        catch (ControlRequestRefusedException)
        {
        }
    }

    [Test]
    public void MutatedRequests_AreReadOrRefused() => MutationFuzzer.Run("control", Requests(), Read);

    [Test]
    public void KeptRequests_AreReadOrRefused()
    {
        foreach (var bytes in MutationFuzzer.Regressions("control"))
        {
            Assert.DoesNotThrow(() => Read(bytes));
        }
    }
}
