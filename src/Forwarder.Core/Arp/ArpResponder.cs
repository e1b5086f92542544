using Forwarder.Core.Forwarding;
using Forwarder.Core.Frames;
using Forwarder.Core.Neighbors;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Arp;

/// <summary>
/// The director's ARP: it answers for its own addresses on each link and for every virtual address on
/// the public link (a user-space director has to claim its VIPs itself), and learns the MACs of hosts that
/// ask for it or answer it, which releases frames waiting for them.
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
        var forUs = own || (link.Role == InterfaceRole.Public && _services.HasVirtualAddress(targetAddress));
        // As the kernel's arp_process: learn from what is addressed to us, and from any answer to a question we asked.
        if (senderAddress != 0 && link.IsOnLink(new Ipv4Address(senderAddress)) && (forUs || operation == FrameLayout.ArpReply))
        {
            _neighbors.Learn(senderAddress, senderMac, interfaceIndex, context.Output);
        }
        if (operation != FrameLayout.ArpRequest || !forUs || (own && !_answerForOwnAddresses && !_services.HasVirtualAddress(targetAddress)))
        {
            return operation == FrameLayout.ArpReply && forUs ? FrameOutcome.Answered : FrameOutcome.NotOurs;
        }
        return _answers.AnswerArp(context, interfaceIndex, senderMac, senderAddress, targetAddress);
    }
}
