// Publish a Cloud Run service privately through Private Service Connect and reach it from another organisation's VPC.
package cloudrunpsc
