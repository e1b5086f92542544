using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>
/// Where ipvsadm's option-by-option processing gives a different answer from ours, which reads every option
/// first and checks them afterwards.
/// </summary>
[Explicit("Known divergences from ipvsadm 1.26's option order; see each test")]
[Category("KnownBug")]
public sealed class OptionOrderKnownBugTests
{
    /// <summary>
    /// ipvsadm copies the service's port into a port-less -r when it reads -r; with -r before -t that port is
    /// still 0, so a masquerading destination gets port 0. Ours always takes the service's port.
    /// </summary>
    [Test]
    public void RealServerBeforeService_TakesThePortKnownThen()
    {
        var destination = GrammarRig.Parse("-a -r 192.168.0.5 -t 10.0.0.1:80 -m").Destination!;

        Assert.That(destination.Method, Is.EqualTo(ForwardingMethod.Masquerade));
        Assert.That(destination.Port, Is.Zero);
    }
}
