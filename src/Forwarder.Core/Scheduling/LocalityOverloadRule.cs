using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// The overload test lblc and lblcr apply to the server a target is mapped to (their own
/// <c>is_overloaded</c>, not the -x threshold mark): it has more active connections than its weight, and
/// some destination of the service (itself included) has active * 2 &lt; weight, i.e. spare room.
/// </summary>
internal static class LocalityOverloadRule
{
    public static bool IsOverloaded(Destination destination, VirtualService service)
    {
        if (destination.ActiveConnections <= destination.Weight)
        {
            return false;
        }
        var list = service.Destinations;
        for (var index = 0; index < list.Count; index++)
        {
            var other = list[index];
            if ((long)other.ActiveConnections * 2 < other.Weight)
            {
                return true;
            }
        }
        return false;
    }
}
