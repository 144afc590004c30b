from __future__ import annotations

from fastapi import APIRouter

from jsxcore.protocol import ErrorResponse, ReferenceResponse
from jsxserver.api.deps import CurrentCaller, ReadSessionDep
from jsxserver.services.reference import reference as build_reference

router = APIRouter(tags=["reference"])


@router.get("/reference", responses={401: {"model": ErrorResponse}})
def reference(caller: CurrentCaller, session: ReadSessionDep) -> ReferenceResponse:
    """Divisions of the caller's area and above, code tables, and the
    offline-unlock verifiers of the caller's township."""
    return build_reference(session, caller.scope)
