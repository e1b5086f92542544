using Forwarder.Core.Forwarding;
using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Arp;

/// <summary>
/// The director's ARP: it answers for its own addresses on each link and for every virtual address on
/// the public link (a user-space director has to claim its VIPs itself), and tells the neighbour table what
/// each ARP says of its sender (learning hosts that ask for us, confirming those that answer us), which releases
/// frames waiting for them.
/// </summary>
public sealed class ArpResponder
{
    private readonly DirectorTopology _topology;
    private readonly ServiceTable _services;
    private readonly NeighborTable _neighbors;
    private readonly LocalAnswerTransmit _answers;
    private readonly bool _answerForOwnAddresses;

    /// <param name="answerForOwnAddresses">Whether to answer for the interfaces' own addresses too (the engine's setting of that name).</param>
    public ArpResponder(DirectorTopology topology, ServiceTable services, NeighborTable neighbors, LocalAnswerTransmit answers, bool answerForOwnAddresses)
    {
        _topology = topology;
        _services = services;
        _neighbors = neighbors;
        _answers = answers;
        _answerForOwnAddresses = answerForOwnAddresses;
    }

    public FrameOutcome Handle(in FrameContext context, ReadOnlySpan<byte> frame, int interfaceIndex)
    {
        if (!ArpFrames.TryRead(frame, out var operation, out var senderMac, out var senderAddress, out var targetAddress))
        {
            return FrameOutcome.DroppedMalformed;
        }
        var link = _topology.Interfaces[interfaceIndex];
        var own = targetAddress == link.Address.Value;
        var forUs = own || (link.Role == InterfaceRole.Public && _services.HasVirtualAddress(InetAddress.FromIpv4(targetAddress)));
        // As the kernel's arp_process: a request for us teaches its sender; any other ARP from a known neighbour
        // updates it (a reply unicast to our MAC confirms it; a gratuitous one changes its MAC whatever the locktime).
        if (senderAddress != 0 && link.IsOnLink(new Ipv4Address(senderAddress)))
        {
            var requestForUs = operation == FrameLayout.ArpRequest && forUs;
            var unicastReply = operation == FrameLayout.ArpReply && MacAddress.Read(frame) == link.Mac;
            var gratuitous = senderAddress == targetAddress &&
                (operation != FrameLayout.ArpReply || MacAddress.Read(frame[(FrameLayout.EthernetHeaderLength + FrameLayout.ArpTargetMac)..]) == senderMac);
            _neighbors.OnArp(senderAddress, senderMac, interfaceIndex, requestForUs, unicastReply, gratuitous, context.Now, context.Output);
        }
        if (operation != FrameLayout.ArpRequest || !forUs || (own && !_answerForOwnAddresses && !_services.HasVirtualAddress(InetAddress.FromIpv4(targetAddress))))
        {
            return operation == FrameLayout.ArpReply && forUs ? FrameOutcome.Answered : FrameOutcome.NotOurs;
        }
        return _answers.AnswerArp(context, interfaceIndex, senderMac, senderAddress, targetAddress);
    }
}
