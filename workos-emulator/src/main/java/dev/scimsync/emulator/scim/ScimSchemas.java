package dev.scimsync.emulator.scim;

/** SCIM schema URNs. */
final class ScimSchemas {
    static final String USER = "urn:ietf:params:scim:schemas:core:2.0:User";
    static final String GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
    static final String LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    static final String PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private ScimSchemas() {
    }
}
